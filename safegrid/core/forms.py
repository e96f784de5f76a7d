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
