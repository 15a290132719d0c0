"""The LLM side: the OpenAI client and retry policy, the checklist analyzer, thread answers and prompt files."""
