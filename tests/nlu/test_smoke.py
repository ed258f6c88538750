def test_home_pages_render_in_both_languages(client, demo):
    for code in ("en", "tr"):
        response = client.get(f"/{code}/")
        assert response.status_code == 200
        assert f'<html lang="{code}"' in response.content.decode()
