{{ channel_mart('date', 'a.activity_date') }}
