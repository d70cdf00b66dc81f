"""Who someone is and how they prove it: accounts, logins, passkeys, recovery, security log and mail."""
