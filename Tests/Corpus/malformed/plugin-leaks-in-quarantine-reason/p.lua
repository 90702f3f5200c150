return { record = function(rec, ctx) ctx:quarantine('saw ' .. rec.ref:lower()) return rec end }
