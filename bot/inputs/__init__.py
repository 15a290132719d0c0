"""Where articles come from: safe fetching (fetch), text from HTML/docx/pdf/txt (extract), one call a way in (load)."""
