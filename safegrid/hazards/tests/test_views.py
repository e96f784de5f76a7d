from django.urls import reverse

from safegrid.hazards.models import Hazard


def test_detail_shows_only_allowed_buttons(world, client):
    client.force_login(world.users["township1"])
    page = client.get(reverse("hazards:hazard_detail", args=[world.hazards["g11"].pk])).content.decode()
    buttons = page.split('data-testid="hazard-actions"')[1].split("</div>")[0]
    assert "交办" in buttons and "提级处置" in buttons and "复查" not in buttons


def test_action_form_for_htmx_is_a_partial(world, client):
    client.force_login(world.users["township1"])
    url = reverse("hazards:hazard_action", args=[world.hazards["g11"].pk, "escalate"])
    partial = client.get(url, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    assert "提级原因" in partial.content.decode()


def test_action_page_out_of_scope_is_404_and_not_allowed_is_403(world, client):
    client.force_login(world.users["township2"])
    assert (
        client.get(reverse("hazards:hazard_action", args=[world.hazards["g11"].pk, "escalate"])).status_code
        == 404
    )
    client.force_login(world.users["grid11"])
    assert (
        client.get(reverse("hazards:hazard_action", args=[world.hazards["g11"].pk, "escalate"])).status_code
        == 403
    )
    assert (
        client.get(reverse("hazards:hazard_action", args=[world.hazards["g11"].pk, "delete"])).status_code
        == 404
    )


def test_escalate_through_the_page(world, client):
    client.force_login(world.users["township1"])
    url = reverse("hazards:hazard_action", args=[world.hazards["g11"].pk, "escalate"])
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 400 and "该字段是必填项。" in empty.content.decode()
    done = client.post(url, {"reason": "需停产整顿，乡镇无法处置"})
    assert done.status_code == 302
    assert Hazard.objects.get(pk=world.hazards["g11"].pk).level == 2


def test_report_page_and_on_the_spot(world, client):
    client.force_login(world.users["grid11"])
    assert client.get(reverse("hazards:hazard_report")).status_code == 200
    response = client.post(
        reverse("hazards:hazard_report"),
        {
            "site": world.site11_mall.pk,
            "category": "thing",
            "grade": "general",
            "source": "patrol",
            "description": "灭火器过期",
            "on_the_spot": "on",
            "rectification_note": "已更换灭火器",
            "photos": [_photo()],
            "photos_after": [_photo()],
        },
    )
    assert response.status_code == 302
    hazard = Hazard.objects.get(description="灭火器过期")
    assert (hazard.status, hazard.on_the_spot) == ("closed", True)
    major = client.post(
        reverse("hazards:hazard_report"),
        {
            "site": world.site11_mall.pk,
            "category": "thing",
            "grade": "major",
            "source": "patrol",
            "description": "承重墙开裂",
            "on_the_spot": "on",
            "rectification_note": "x",
        },
    )
    assert major.status_code == 400 and "重大隐患不能立即整改销号。" in major.content.decode()


def test_queues(world, client):
    client.force_login(world.users["township1"])
    page = client.get(reverse("hazards:hazard_list"), {"queue": "to_assign"}).content.decode()
    assert world.hazards["g11"].number in page and world.hazards["g12"].number in page
    client.force_login(world.users["office"])
    page = client.get(reverse("hazards:hazard_list"), {"queue": "to_assign"}).content.decode()
    assert world.hazards["g11"].number not in page  # level 1 is not the county office's queue


def _photo(name="现场.jpg"):
    from safegrid.attachments.tests.files import jpeg, upload

    return upload(jpeg(), name=name)


def test_report_with_photos_stores_them_with_the_report_step(world, client):
    from safegrid.attachments.models import Attachment

    client.force_login(world.users["grid11"])
    response = client.post(
        reverse("hazards:hazard_report"),
        {
            "site": world.site11_mall.pk,
            "category": "thing",
            "grade": "general",
            "source": "patrol",
            "description": "电缆裸露",
            "photos": [_photo("a.jpg"), _photo("b.jpg")],
        },
    )
    assert response.status_code == 302
    hazard = Hazard.objects.get(description="电缆裸露")
    assert list(Attachment.objects.filter(hazard=hazard).values_list("kind", "event__action")) == [
        ("photo", "report"),
        ("photo", "report"),
    ]
    page = client.get(hazard.get_absolute_url()).content.decode()
    assert page.count('class="img-thumbnail"') == 2


def test_a_non_image_photo_refuses_the_whole_report(world, client):
    from safegrid.attachments.models import Attachment
    from safegrid.attachments.tests.files import upload

    client.force_login(world.users["grid11"])
    fake = upload(b"<html><script>alert(1)</script></html>", name="x.jpg")
    before = Hazard.objects.count()
    response = client.post(
        reverse("hazards:hazard_report"),
        {
            "site": world.site11_mall.pk,
            "category": "thing",
            "grade": "general",
            "source": "patrol",
            "description": "电缆裸露",
            "photos": [_photo(), fake],
        },
    )
    assert response.status_code == 400
    assert "只能上传 JPEG、PNG、WebP 图片或 PDF 文件。" in response.content.decode()
    assert (Hazard.objects.count(), Attachment.objects.count()) == (before, 0)


def test_on_the_spot_needs_before_and_after_photos(world, client):
    client.force_login(world.users["grid11"])
    data = {
        "site": world.site11_mall.pk,
        "category": "thing",
        "grade": "general",
        "source": "patrol",
        "description": "灭火器过期",
        "on_the_spot": "on",
        "rectification_note": "已更换",
    }
    missing = client.post(reverse("hazards:hazard_report"), data)
    body = missing.content.decode()
    assert missing.status_code == 400
    assert "立即整改须上传整改前照片。" in body and "立即整改须上传整改后照片。" in body
    done = client.post(
        reverse("hazards:hazard_report"), {**data, "photos": [_photo()], "photos_after": [_photo()]}
    )
    assert done.status_code == 302
    hazard = Hazard.objects.get(description="灭火器过期")
    assert sorted(hazard.attachments.values_list("kind", flat=True)) == ["photo", "photo_after"]
