{{ staged_sessions() }}
