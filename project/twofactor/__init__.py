"""The site's pages of the two-step sign-in: the code step of the sign-in, the enrolment page,
and the middleware that sends accounts to them (the rules are in ``approvals.twofactor``)."""
