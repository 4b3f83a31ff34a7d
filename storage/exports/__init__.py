"""Files for the secretariat built from a period's facts (storage.summary): the consolidated
table (XLSX, CSV), the draft report (DOCX) and the status chart (PNG). No chat text here."""
