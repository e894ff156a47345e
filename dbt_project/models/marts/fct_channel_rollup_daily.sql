{{ channel_mart('date', 'a.activity_date', by_campaign=false) }}
