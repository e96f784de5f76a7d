from .selectors import unread_count


def inbox(request):
    """The unread count in the header (one indexed COUNT over the user's own inbox)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(actor=user)}
