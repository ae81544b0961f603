"""Sign-in security: lock-out after repeated failures (django-axes), the second factor
(django-otp: an authenticator app and recovery codes), staff sessions' idle limit and
sign-out everywhere. README «Безопасность входа» describes what users see."""
