{{ staged_leads() }}
