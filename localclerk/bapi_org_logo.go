package localclerk

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"time"
)

// Organization logos: uploaded as multipart/form-data, kept in the data
// file, and served by localclerk itself at /v1/organization_logos/{id} so
// that an organization's image_url works offline.
const (
	kindOrgLogo = "org_logo"
	maxLogo     = 10 << 20 // Clerk's limit for one image
)

// logoTypes are the image types Clerk accepts, by sniffed content.
var logoTypes = []string{"image/jpeg", "image/png", "image/gif", "image/webp"}

type orgLogo struct {
	ID          string `json:"id"`
	OrgID       string `json:"org_id"`
	ContentType string `json:"content_type"`
	Data        []byte `json:"data"`
	UploaderID  string `json:"uploader_id,omitempty"`
	CreatedAt   int64  `json:"created_at"`
}

// logoUpload is a parsed upload request.
type logoUpload struct {
	file        []byte
	contentType string
	uploaderID  string
}

// parseLogoUpload reads a multipart/form-data body with a file part (the
// image, at most maxLogo bytes, of one of logoTypes by its content) and an
// optional uploader_user_id.
func parseLogoUpload(contentType string, body io.Reader) (*logoUpload, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, errParam(http.StatusBadRequest, "form_param_format_invalid", "file", "Send the image as multipart/form-data with a file part.")
	}
	mr := multipart.NewReader(body, params["boundary"])
	up := &logoUpload{}
	seen := false
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, errLogoTooLarge
			}
			return nil, errParam(http.StatusBadRequest, "malformed_request", "file", "The multipart body could not be read.")
		}
		switch p.FormName() {
		case "file":
			if seen {
				return nil, errParam(http.StatusBadRequest, "form_param_value_invalid", "file", "Send one file.")
			}
			seen = true
			data, err := io.ReadAll(io.LimitReader(p, maxLogo+1))
			if err != nil {
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) {
					return nil, errLogoTooLarge
				}
				return nil, errParam(http.StatusBadRequest, "malformed_request", "file", "The file part could not be read.")
			}
			if len(data) > maxLogo {
				return nil, errLogoTooLarge
			}
			up.file = data
		case "uploader_user_id":
			v, err := io.ReadAll(io.LimitReader(p, 256))
			if err != nil {
				return nil, errParam(http.StatusBadRequest, "malformed_request", "uploader_user_id", "The uploader_user_id part could not be read.")
			}
			up.uploaderID = strings.TrimSpace(string(v))
		}
		p.Close()
	}
	if !seen || len(up.file) == 0 {
		return nil, errParam(http.StatusBadRequest, "form_param_missing", "file", "file must be included.")
	}
	up.contentType = http.DetectContentType(up.file)
	if !contains(logoTypes, up.contentType) {
		return nil, errParam(http.StatusBadRequest, "form_param_format_invalid", "file",
			fmt.Sprintf("The file is %s; an image must be one of %s.", up.contentType, strings.Join(logoTypes, ", ")))
	}
	return up, nil
}

var errLogoTooLarge = newAPIError(http.StatusRequestEntityTooLarge, "request_body_too_large", "Image too large",
	fmt.Sprintf("An image can be at most %d bytes.", maxLogo), paramMeta("file"))

func (inst *Instance) logoURL(id string) string {
	return inst.FrontendAPIURL + "/v1/organization_logos/" + id
}

func (inst *Instance) bapiUploadOrgLogo(w http.ResponseWriter, r *http.Request) (any, int, error) {
	// Room for the multipart framing around the largest image.
	r.Body = http.MaxBytesReader(w, r.Body, maxLogo+64<<10)
	up, err := parseLogoUpload(r.Header.Get("Content-Type"), r.Body)
	if err != nil {
		return nil, 0, err
	}
	now := inst.now()
	var o *organization
	err = inst.store.update(r.Context(), func(t *txn) error {
		if o, err = orgByIDOrSlug(t, r.PathValue("id")); err != nil {
			return notFoundAs(err, "organization")
		}
		if up.uploaderID != "" {
			if err := t.users().load(up.uploaderID, &user{}); err != nil {
				if errors.Is(err, errNotFound) {
					return errParam(http.StatusNotFound, "resource_not_found", "uploader_user_id", "No user "+up.uploaderID+".")
				}
				return err
			}
		}
		return inst.setOrgLogo(t, o, up, now)
	})
	if err != nil {
		return nil, 0, err
	}
	return orgJSON(o, nil), 0, nil
}

func (inst *Instance) bapiDeleteOrgLogo(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var o *organization
	err := inst.store.update(r.Context(), func(t *txn) error {
		var err error
		if o, err = orgByIDOrSlug(t, r.PathValue("id")); err != nil {
			return notFoundAs(err, "organization")
		}
		return removeOrgLogo(t, o, inst.now())
	})
	if err != nil {
		return nil, 0, err
	}
	return orgJSON(o, nil), 0, nil
}

// setOrgLogo stores up as o's logo, replacing the one it had, and
// announces the change.
func (inst *Instance) setOrgLogo(t *txn, o *organization, up *logoUpload, now time.Time) error {
	if err := dropOrgLogo(t, o); err != nil {
		return err
	}
	lg := &orgLogo{ID: newID("img"), OrgID: o.ID, ContentType: up.contentType, Data: up.file, UploaderID: up.uploaderID, CreatedAt: ms(now)}
	if err := t.orgLogos().put(lg); err != nil {
		return err
	}
	o.LogoID, o.ImageURL, o.UpdatedAt = lg.ID, inst.logoURL(lg.ID), ms(now)
	if err := t.orgs().put(o); err != nil {
		return err
	}
	t.emit("organization.updated", orgJSON(o, nil))
	return nil
}

// removeOrgLogo deletes o's logo and announces the change; 404 when it
// has none.
func removeOrgLogo(t *txn, o *organization, now time.Time) error {
	if o.LogoID == "" {
		return errNotFoundResource("organization logo")
	}
	if err := dropOrgLogo(t, o); err != nil {
		return err
	}
	o.UpdatedAt = ms(now)
	if err := t.orgs().put(o); err != nil {
		return err
	}
	t.emit("organization.updated", orgJSON(o, nil))
	return nil
}

// dropOrgLogo deletes o's stored logo, if any, and clears its image.
func dropOrgLogo(t *txn, o *organization) error {
	if o.LogoID != "" {
		if err := t.orgLogos().del(o.LogoID); err != nil && !errors.Is(err, errNotFound) {
			return err
		}
	}
	o.LogoID, o.ImageURL = "", ""
	return nil
}

// serveOrgLogo answers a stored logo's bytes. Logos are public, as
// Clerk's image URLs are.
func (inst *Instance) serveOrgLogo(w http.ResponseWriter, r *http.Request) {
	var lg orgLogo
	err := inst.store.view(r.Context(), func(t *txn) error { return t.orgLogos().load(r.PathValue("id"), &lg) })
	if err != nil {
		inst.writeError(w, r, notFoundAs(err, "image"))
		return
	}
	w.Header().Set("Content-Type", lg.ContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable") // a new upload gets a new id
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Write(lg.Data)
}

func (o *organization) hasLogo() bool { return o.ImageURL != "" }

// deleteOrgChildren removes what belongs to an organization being
// deleted: its invitations, domains and logo.
func deleteOrgChildren(t *txn, o *organization) error {
	if err := deleteOrgInvitations(t, o.ID); err != nil {
		return err
	}
	if err := deleteOrgDomains(t, o.ID); err != nil {
		return err
	}
	if err := deleteMembershipRequests(t, o.ID); err != nil {
		return err
	}
	if err := dropCredits(t, o.ID); err != nil {
		return err
	}
	return dropOrgLogo(t, o)
}
