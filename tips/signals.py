"""What the tips app announces to the floors above it: nothing yet. Tips ask the cases app
(``cases.access``, ``cases.services``) directly, which sits below."""
