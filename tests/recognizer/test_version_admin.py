"""The model versions admin: staff with the change permission activate a version or roll back; others only look."""
import pytest
from django.contrib.auth.models import Permission, User

from recognizer import serving
from recognizer.models import ModelVersion
from tests.training.retraining import install_shipped, tiny_network

VERSIONS_URL = "/admin/recognizer/modelversion/"


@pytest.fixture(autouse=True)
def shipped_tiny_mlp(settings):
    settings.SERVED_ARCH = "mlp"
    install_shipped(settings.WEIGHTS_DIR)


def staff(*permissions: str) -> User:
    user = User.objects.create_user("staff", password="pw", is_staff=True)
    for perm in permissions:
        app, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app, codename=codename))
    return user


def add_version(settings, version):
    path = settings.WEIGHTS_DIR / f"{version}.npz"
    tiny_network(seed=2).save(path, meta={"version": version})
    return ModelVersion.objects.create(arch="mlp", version=version, file=path.name, sha256=serving.sha256_of(path),
                                       metrics={"mnist_test_accuracy": 0.5})


@pytest.mark.django_db
def test_staff_with_the_change_permission_activate_a_version_and_roll_back(client, settings):
    serving.active_version("mlp")
    v2 = add_version(settings, "mlp-2")
    client.force_login(staff("recognizer.view_modelversion", "recognizer.change_modelversion"))
    assert "mlp-2" in client.get(VERSIONS_URL).content.decode()
    response = client.post(VERSIONS_URL, {"action": "activate_version", "_selected_action": [v2.pk]}, follow=True)
    assert "mlp-2 is now served; web processes switch within 3 s." in [str(m) for m in response.context["messages"]]
    assert ModelVersion.objects.get(is_active=True) == v2
    response = client.post(VERSIONS_URL, {"action": "roll_back", "_selected_action": [v2.pk]}, follow=True)
    assert "Rolled back mlp: mlp-1 is now served." in [str(m) for m in response.context["messages"]]
    assert ModelVersion.objects.get(is_active=True).version == "mlp-1"


@pytest.mark.django_db
def test_a_rejected_version_cannot_be_activated_from_the_admin(client, settings):
    serving.active_version("mlp")
    v2 = add_version(settings, "mlp-2")
    ModelVersion.objects.filter(pk=v2.pk).update(rejected=True)
    client.force_login(staff("recognizer.view_modelversion", "recognizer.change_modelversion"))
    response = client.post(VERSIONS_URL, {"action": "activate_version", "_selected_action": [v2.pk]}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["mlp-2 failed the promotion gate and is never served."]
    assert ModelVersion.objects.get(is_active=True).version == "mlp-1"


@pytest.mark.django_db
def test_staff_who_may_only_view_versions_get_no_activation_actions(client, settings):
    serving.active_version("mlp")
    v2 = add_version(settings, "mlp-2")
    client.force_login(staff("recognizer.view_modelversion"))
    page = client.get(VERSIONS_URL).content.decode()
    assert "activate_version" not in page and "roll_back" not in page
    client.post(VERSIONS_URL, {"action": "activate_version", "_selected_action": [v2.pk]})
    assert ModelVersion.objects.get(is_active=True).version == "mlp-1"
