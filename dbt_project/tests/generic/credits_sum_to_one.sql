{# Attribution: under every model, the credits of one lead's touches sum to 1 (to 1e-9). #}
{% test credits_sum_to_one(model, columns) %}
select lead_id
from {{ model }}
group by lead_id
having {% for column in columns %}abs(sum({{ column }}) - 1) > 1e-9{% if not loop.last %} or {% endif %}{% endfor %}
{% endtest %}
