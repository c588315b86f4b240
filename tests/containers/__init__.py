"""End-to-end tests of envbake in images, in a real container engine."""
