from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.utils import timezone
from faker import Faker

from accounts.models import Province, Role, User

_fake = Faker("vi_VN")

M = TypeVar("M")


class ModelFactory(factory.django.DjangoModelFactory[M]):
    """A Django factory whose call is typed as the model it makes: `WorkerFactory()` is a User."""

    class Meta:
        abstract = True

    if TYPE_CHECKING:
        # factory_boy's metaclass turns the call into create(), which returns the model; mypy
        # reads the call through __new__, which it wants to return the factory itself.
        def __new__(cls, *args: Any, **kwargs: Any) -> M: ...  # type: ignore[misc]  # factory_boy's metaclass returns the model, not the factory

    @classmethod
    def _get_manager(cls, model_class: Any) -> Any:
        # factory_boy writes through `objects`, which on a guarded model refuses the read
        # of `django_get_or_create`: test data goes through the model's plain manager.
        return model_class._default_manager


TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPTESTSECRET234567"
PASSWORD = "a-long-test-password-2026"


def province(code: int) -> Province:
    return Province.objects.get(code=code)


def totp_code(secret: str = TEST_TOTP_SECRET, offset: int = 0) -> str:
    counter = int(timezone.now().timestamp()) // 30 + offset
    return format_hotp_value(hotp_value(secret, counter))


class UserFactory(ModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    # Faker repeats names; a numbered suffix keeps "is X on the page" assertions honest.
    name = factory.Sequence(lambda n: f"{_fake.name()} {n:04d}")
    email = factory.Sequence(lambda n: f"person{n}@example.vn")
    role = Role.WORKER
    province = factory.LazyFunction(lambda: province(15))

    @factory.post_generation
    def password(self: Any, create: bool, extracted: str | None, **kwargs: Any) -> None:
        # factory_boy calls a post-generation hook with the made User as `self`.
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])
            if self.email:
                EmailAddress.objects.create(
                    user=self, email=self.email, verified=True, primary=True
                )


class WorkerFactory(UserFactory):
    email: Any = None
    phone = factory.Sequence(lambda n: f"+8491{n:07d}")
    phone_verified = True


class StaffFactory(UserFactory):
    role = Role.COUNSELLOR

    @factory.post_generation
    def totp(self, create: bool, extracted: bool | None, **kwargs: Any) -> None:
        # Staff have their second factor unless a test says otherwise (totp=False).
        if create and extracted is not False:
            TOTP.activate(self, TEST_TOTP_SECRET)
