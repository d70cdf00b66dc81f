"""HTTP layer: one blueprint per area, thin views (parse → call model → render or redirect)."""


def register_blueprints(app):
    """Register every area's blueprint on the app."""
    from views import account, auth, enrollments, programs, progress, pwa, routines, sessions, today

    for module in (auth, account, today, sessions, programs, enrollments, routines, progress, pwa):
        app.register_blueprint(module.bp)
    from views import logins, passkeys, recovery, reminders, welcome

    for module in (recovery, passkeys, logins, welcome, reminders):
        app.register_blueprint(module.bp)
