import factory
from django.apps import apps
from django.contrib.auth import get_user_model

from tests.hosts import preferences

PASSWORD = "a-long-test-password"
PREFERENCES = ("language", "timezone")


def has_field(model, name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())


class UserFactory(factory.django.DjangoModelFactory):
    """A member able to sign in with ``PASSWORD``, with a verified e-mail address where allauth is installed.

    ``language`` and ``timezone`` go to the user model's fields where it has them, and otherwise to
    the bare hosts' preferences hook (tests/hosts/preferences.py).
    """

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(PASSWORD)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        kept_aside = [name for name in PREFERENCES if name in kwargs and not has_field(model_class, name)]
        choices = {name: kwargs.pop(name) for name in kept_aside}
        user = super()._create(model_class, *args, **kwargs)
        if choices:
            preferences.remember(user, **choices)
        return user

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        if create and apps.is_installed("allauth.account"):
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )
