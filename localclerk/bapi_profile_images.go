package localclerk

import (
	"bytes"
	"errors"
	"net/http"
	"time"
)

// Profile images. SetUserProfileImage takes a multipart upload (field
// "file"), localclerk keeps the image in its data file and serves it at
// {Frontend API}/images/{id}, so image_url works offline. The URL is
// recorded with the Frontend API origin the instance had at upload time.

const kindImage = "image"

type storedImage struct {
	ID          string `json:"id"`
	ContentType string `json:"content_type"`
	Data        []byte `json:"data"`
	CreatedAt   int64  `json:"created_at"`
}

func (inst *Instance) bapiSetUserProfileImage(w http.ResponseWriter, r *http.Request) (any, int, error) {
	// The upload is read as an organization logo's is (bapi_org_logo.go):
	// one file part, at most maxLogo bytes, a raster type by its content.
	r.Body = http.MaxBytesReader(w, r.Body, maxLogo+64<<10)
	up, err := parseLogoUpload(r.Header.Get("Content-Type"), r.Body)
	if err != nil {
		return nil, 0, err
	}
	return inst.updateUser(r, func(t *txn, u *user, now time.Time) error {
		_, err := inst.setProfileImage(t, u, up, now)
		return err
	})
}

// setProfileImage stores an upload as u's profile image in place of the
// old one (the caller stores u): the Backend and the Frontend API's.
func (inst *Instance) setProfileImage(t *txn, u *user, up *logoUpload, now time.Time) (*storedImage, error) {
	if err := dropImage(t, u.ImageID); err != nil {
		return nil, err
	}
	img := &storedImage{ID: newID("img"), ContentType: up.contentType, Data: up.file, CreatedAt: ms(now)}
	if err := t.images().put(img); err != nil {
		return nil, err
	}
	u.ImageID, u.ImageURL = img.ID, inst.FrontendAPIURL+"/images/"+img.ID
	return img, nil
}

func (inst *Instance) bapiDeleteUserProfileImage(w http.ResponseWriter, r *http.Request) (any, int, error) {
	return inst.updateUser(r, func(t *txn, u *user, _ time.Time) error {
		if err := dropImage(t, u.ImageID); err != nil {
			return err
		}
		u.ImageID, u.ImageURL = "", ""
		return nil
	})
}

// dropImage deletes a stored image; an empty or already missing id is fine.
func dropImage(t *txn, id string) error {
	if id == "" {
		return nil
	}
	if err := t.images().del(id); err != nil && !errors.Is(err, errNotFound) {
		return err
	}
	return nil
}

// handleImage serves a stored image to any origin, as Clerk's image CDN
// does; the bytes were sniffed at upload, so the type is fixed.
func (inst *Instance) handleImage(w http.ResponseWriter, r *http.Request) {
	var img storedImage
	if err := inst.store.view(r.Context(), func(t *txn) error { return t.images().load(r.PathValue("id"), &img) }); err != nil {
		inst.writeError(w, r, notFoundAs(err, "image"))
		return
	}
	w.Header().Set("Content-Type", img.ContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, "", time.UnixMilli(img.CreatedAt), bytes.NewReader(img.Data))
}
