from django import forms


class ActorModelForm(forms.ModelForm):
    """A ModelForm that knows who is acting, so that every choice field offers only in-scope rows.

    `scoped_fields` maps a field name to a callable(actor) returning its queryset."""

    scoped_fields: dict = {}

    def __init__(self, *args, actor, **kwargs):
        self.actor = actor
        super().__init__(*args, **kwargs)
        for name, queryset_for in self.scoped_fields.items():
            if name in self.fields:
                self.fields[name].queryset = queryset_for(actor)


def region_label(region) -> str:
    return f"{region.name}（{region.code}）"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); the attachments service checks
    each file's real type and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []
