package localclerk

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
)

// The shape fixtures of organization invitations, domains and logos.

const shapeLogoBoundary = "localclerk-shape-boundary"

const shapeLogoType = "multipart/form-data; boundary=" + shapeLogoBoundary

// makeOrgChild makes the {placeholders} of organization invitations
// (each in a fresh organization of Alice's), domains and logos.
func (fx *bapiShapeFixture) makeOrgChild(name string) string {
	t, h := fx.t, fx.h
	t.Helper()
	post := func(path string, body any) map[string]any {
		t.Helper()
		var out map[string]any
		if st := h.bapi("POST", path, body, &out); st != 200 {
			t.Fatalf("fixture %s: POST %s: %d %v", name, path, st, out)
		}
		return out
	}
	switch name {
	case "org_invitation", "org_invitation_org", "org_invitation_email", "invited_user":
		org := fx.fill("{org}")
		u := post("/v1/users", map[string]any{"email_address": []string{"invited" + fx.fill("{unique}") + "@example.com"}})
		email := u["email_addresses"].([]any)[0].(map[string]any)["email_address"].(string)
		inv := post("/v1/organizations/"+org+"/invitations", map[string]any{"email_address": email, "role": "org:member", "inviter_user_id": "user_demo_alice"})
		fx.vals["org_invitation_org"], fx.vals["org_invitation_email"], fx.vals["invited_user"] = org, email, u["id"].(string)
		fx.vals["org_invitation"] = inv["id"].(string)
		return fx.vals[name]
	case "revoked_org_invitation":
		inv := fx.fill("{org_invitation}")
		post("/v1/organizations/"+fx.vals["org_invitation_org"]+"/invitations/"+inv+"/revoke", nil)
		return inv
	case "org_domain", "org_domain_org", "org_domain_name":
		org := fx.fill("{org}")
		d := post("/v1/organizations/"+org+"/domains", map[string]any{"name": "dom" + fx.fill("{unique}") + ".example.com"})
		fx.vals["org_domain_org"], fx.vals["org_domain"], fx.vals["org_domain_name"] = org, d["id"].(string), d["name"].(string)
		return fx.vals[name]
	case "org_with_logo":
		org := fx.fill("{org}")
		req, _ := http.NewRequest("PUT", h.inst.BackendAPIURL+"/v1/organizations/"+org+"/logo", strings.NewReader(fx.fill("{logo_upload}")))
		req.Header.Set("Authorization", "Bearer "+h.inst.SecretKey)
		req.Header.Set("Content-Type", shapeLogoType)
		if resp, body := h.do(req); resp.StatusCode != 200 {
			t.Fatalf("fixture %s: %d %s", name, resp.StatusCode, body)
		}
		return org
	case "logo_upload", "text_upload":
		file := testPNG(t)
		if name == "text_upload" {
			file = []byte("just text")
		}
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		w.SetBoundary(shapeLogoBoundary)
		w.WriteField("uploader_user_id", "user_demo_alice")
		fw, _ := w.CreateFormFile("file", "logo.png")
		fw.Write(file)
		w.Close()
		return buf.String()
	}
	t.Fatalf("no fixture for {%s}", name)
	return ""
}

// rawBAPIType is rawBAPI with a body of the given content type
// (rawBAPI's JSON when it is empty).
func (h *harness) rawBAPIType(method, path, auth, contentType, body string) (int, []byte) {
	h.t.Helper()
	if contentType == "" {
		return h.rawBAPI(method, path, auth, body)
	}
	req, err := http.NewRequest(method, h.inst.BackendAPIURL+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Type", contentType)
	resp, data := h.do(req)
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		h.t.Errorf("%s %s: content-type %q, want application/json", method, path, ct)
	}
	return resp.StatusCode, data
}
