{# Channel days whose leads fell far below their trailing 7-day median (macros/volume_drop.sql). #}
{{ volume_drop('leads') }}
