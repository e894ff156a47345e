{{ channel_mart('month', "cast(" ~ dbt.date_trunc('month', 'a.activity_date') ~ " as date)", with_lead_to_customer=true) }}
