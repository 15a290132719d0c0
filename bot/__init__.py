"""factcheck: an article in, a grounded fact-check checklist out, through the command line or Slack."""
