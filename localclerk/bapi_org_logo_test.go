package localclerk

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// testPNG is a small valid PNG image.
func testPNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{R: 108, G: 71, B: 255, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// logoBody is a multipart upload of file (skipped when nil) and fields.
func logoBody(t testing.TB, file []byte, fields ...string) (contentType string, body []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(fields); i += 2 {
		w.WriteField(fields[i], fields[i+1])
	}
	if file != nil {
		fw, err := w.CreateFormFile("file", "logo.png")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(file)
	}
	w.Close()
	return w.FormDataContentType(), buf.Bytes()
}

func (h *harness) uploadLogo(orgID, contentType string, body []byte) (int, map[string]any) {
	h.t.Helper()
	req, _ := http.NewRequest("PUT", h.inst.BackendAPIURL+"/v1/organizations/"+orgID+"/logo", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+h.inst.SecretKey)
	req.Header.Set("Content-Type", contentType)
	resp, data := h.do(req)
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		h.t.Fatalf("upload: %d %s", resp.StatusCode, data)
	}
	return resp.StatusCode, m
}

// uploadTestLogo gives a fresh organization a logo and returns the
// logo's id (the last segment of its image_url).
func uploadTestLogo(t *testing.T, h *harness) string {
	t.Helper()
	var o map[string]any
	h.bapi("POST", "/v1/organizations", map[string]any{"name": "Logo " + randString(6)}, &o)
	ct, body := logoBody(t, testPNG(t))
	st, got := h.uploadLogo(o["id"].(string), ct, body)
	if st != 200 {
		t.Fatalf("upload: %d %v", st, got)
	}
	u := got["image_url"].(string)
	return u[strings.LastIndexByte(u, '/')+1:]
}

func TestOrgLogoUploadServeDelete(t *testing.T) {
	h, hooks := startWithHooks(t)
	pic := testPNG(t)
	ct, body := logoBody(t, pic, "uploader_user_id", "user_demo_alice")
	st, o := h.uploadLogo("acme", ct, body)
	if st != 200 || o["id"] != "org_demo_acme" || o["has_image"] != true || !strings.HasPrefix(o["image_url"].(string), h.inst.FrontendAPIURL+"/v1/organization_logos/img_") {
		t.Fatalf("upload: %d %v", st, o)
	}
	hooks.wait(t, "organization.updated", "org_demo_acme")
	img, got := h.do(mustRequest(t, o["image_url"].(string)))
	if img.StatusCode != 200 || img.Header.Get("Content-Type") != "image/png" || !bytes.Equal(got, pic) ||
		img.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("serve: %d %q %d bytes", img.StatusCode, img.Header.Get("Content-Type"), len(got))
	}
	var read map[string]any
	if h.bapi("GET", "/v1/organizations/org_demo_acme", nil, &read); read["image_url"] != o["image_url"] || read["has_image"] != true {
		t.Errorf("read back: %v", read)
	}
	// The memberships the Frontend API lists show the logo, not the avatar.
	b := newBrowser(h)
	signInBrowser(t, b, "alice@example.com", "alice-password")
	_, m := b.call("GET", "/v1/me/organization_memberships", nil)
	if img := resp(m)["data"].([]any)[0].(map[string]any)["organization"].(map[string]any)["image_url"]; img != o["image_url"] {
		t.Errorf("FAPI organization image %v", img)
	}

	// A second upload replaces the first, whose URL stops working.
	ct, body = logoBody(t, append([]byte("GIF89a"), make([]byte, 32)...))
	st, o2 := h.uploadLogo("org_demo_acme", ct, body)
	if st != 200 || o2["image_url"] == o["image_url"] {
		t.Fatalf("replace: %d %v", st, o2)
	}
	if old := h.get(o["image_url"].(string)); old.StatusCode != 404 {
		t.Errorf("old logo: %d", old.StatusCode)
	}
	if gif, _ := h.do(mustRequest(t, o2["image_url"].(string))); gif.Header.Get("Content-Type") != "image/gif" {
		t.Errorf("gif served as %q", gif.Header.Get("Content-Type"))
	}

	for _, c := range []struct {
		org         string
		file        []byte
		fields      []string
		ct          string
		status      int
		code, param string
	}{
		{"org_demo_acme", []byte("<svg xmlns='http://www.w3.org/2000/svg'/>"), nil, "", 400, "form_param_format_invalid", "file"},
		{"org_demo_acme", nil, []string{"uploader_user_id", "user_demo_alice"}, "", 400, "form_param_missing", "file"},
		{"org_demo_acme", pic, nil, "application/json", 400, "form_param_format_invalid", "file"},
		{"org_demo_acme", pic, []string{"uploader_user_id", "user_nope"}, "", 404, "resource_not_found", "uploader_user_id"},
		{"org_nope", pic, nil, "", 404, "resource_not_found", ""},
		{"org_demo_acme", append(pic, make([]byte, maxLogo)...), nil, "", 413, "request_body_too_large", ""},
	} {
		ct, body := logoBody(t, c.file, c.fields...)
		if c.ct != "" {
			ct = c.ct
		}
		req, _ := http.NewRequest("PUT", h.inst.BackendAPIURL+"/v1/organizations/"+c.org+"/logo", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+h.inst.SecretKey)
		req.Header.Set("Content-Type", ct)
		res, data := h.do(req)
		wantError(t, res.StatusCode, data, c.status, c.code, c.param)
	}
	if h.bapi("GET", "/v1/organizations/org_demo_acme", nil, &read); read["image_url"] != o2["image_url"] {
		t.Errorf("a failed upload changed the logo: %v", read["image_url"])
	}

	var del map[string]any
	if st := h.bapi("DELETE", "/v1/organizations/org_demo_acme/logo", nil, &del); st != 200 || del["has_image"] != false ||
		del["image_url"] != "https://img.clerk.com/placeholder.png" {
		t.Fatalf("delete: %d %v", st, del)
	}
	if gone := h.get(o2["image_url"].(string)); gone.StatusCode != 404 {
		t.Errorf("deleted logo: %d", gone.StatusCode)
	}
	st, data := h.raw("DELETE", "/v1/organizations/org_demo_acme/logo", nil)
	wantError(t, st, data, 404, "resource_not_found", "")
}

// signInBrowser signs b in with a password through the Frontend API.
func signInBrowser(t *testing.T, b *browser, email, password string) {
	t.Helper()
	st, m := b.call("POST", "/v1/client/sign_ins", form("identifier", email, "strategy", "password", "password", password))
	if st != 200 || resp(m)["status"] != "complete" {
		t.Fatalf("sign in %s: %d %v", email, st, m)
	}
}

// FuzzParseLogoUpload: any body either parses into an accepted image
// type within the size limit, or is refused with a 4xx naming a
// parameter; never a panic or a 5xx.
func FuzzParseLogoUpload(f *testing.F) {
	ct, body := logoBody(f, testPNG(f), "uploader_user_id", "user_demo_alice")
	f.Add(ct, body)
	ct2, body2 := logoBody(f, []byte("GIF89a......"))
	f.Add(ct2, body2)
	f.Add(ct, body[:len(body)/2])
	f.Add("multipart/form-data; boundary=x", []byte("--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n\x89PNG\r\n\x1a\n\r\n--x--\r\n"))
	f.Add("multipart/form-data", []byte("--x\r\n"))
	f.Add("text/plain", []byte("hello"))
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		up, err := parseLogoUpload(contentType, bytes.NewReader(body))
		if err != nil {
			ae, ok := err.(*apiError)
			if !ok || ae.StatusCode < 400 || ae.StatusCode >= 500 || len(ae.Errors) != 1 || ae.Errors[0].Meta["param_name"] == nil {
				t.Fatalf("error %v is not a 4xx naming a parameter", err)
			}
			return
		}
		if !contains(logoTypes, up.contentType) || len(up.file) == 0 || len(up.file) > maxLogo || http.DetectContentType(up.file) != up.contentType {
			t.Fatalf("accepted %q (%d bytes)", up.contentType, len(up.file))
		}
	})
}
