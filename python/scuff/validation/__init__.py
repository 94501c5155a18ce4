"""`scuff.validate`: a plugin validator that no plugin can crash. Each test runs the plugin in a
fresh sandbox; the report says what each test checked, what it saw and how to repeat it."""
