{#
  Money types, chosen once. Landed amounts are DECIMAL(38, 6) and rates DECIMAL(38, 10)
  (connectors/value_parsers.py); their product is exact at DECIMAL(38, 16), 22 integer digits, and
  is rounded once, to the cent, into the reporting amount. Sums stay at 38 digits: an eight-figure
  JPY day or a year of CNY spend never overflows.
#}
{% macro money_type() %}decimal(38, 2){% endmacro %}

{% macro rate_type() %}decimal(38, 10){% endmacro %}
