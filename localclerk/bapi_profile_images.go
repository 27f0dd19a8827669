package localclerk

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"time"
)

// Profile images. SetUserProfileImage takes a multipart upload (field
// "file"), localclerk keeps the image in its data file and serves it at
// {Frontend API}/images/{id}, so image_url works offline. The URL is
// recorded with the Frontend API origin the instance had at upload time.

const kindImage = "image"

// maxImageBytes bounds an uploaded image (Clerk's limit is 10 MB).
const maxImageBytes = 10 << 20

// imageTypes are the formats accepted, sniffed from the bytes rather than
// trusted from the part's header. SVG is refused: served from localclerk's
// origin it could run script.
var imageTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

type storedImage struct {
	ID          string `json:"id"`
	ContentType string `json:"content_type"`
	Data        []byte `json:"data"`
	CreatedAt   int64  `json:"created_at"`
}

// parseImageUpload reads the "file" part of a multipart/form-data body and
// returns its bytes and sniffed content type, or Clerk's 400.
func parseImageUpload(w http.ResponseWriter, r *http.Request) ([]byte, string, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, "", errParam(http.StatusBadRequest, "form_param_format_invalid", "file",
			"The request body must be multipart/form-data with the image in a part named file.")
	}
	body := http.MaxBytesReader(w, r.Body, maxImageBytes+64<<10)
	mr := multipart.NewReader(body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, "", errMissing("file")
		}
		if err != nil {
			return nil, "", uploadReadError(err)
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, maxImageBytes+1))
		part.Close()
		if err != nil {
			return nil, "", uploadReadError(err)
		}
		if len(data) > maxImageBytes {
			return nil, "", errImageTooLarge
		}
		if len(data) == 0 {
			return nil, "", errMissing("file")
		}
		ct := http.DetectContentType(data)
		if !imageTypes[ct] {
			return nil, "", errParam(http.StatusBadRequest, "form_param_value_invalid", "file",
				"file must be a PNG, JPEG, GIF or WebP image.")
		}
		return data, ct, nil
	}
}

var errImageTooLarge = newAPIError(http.StatusRequestEntityTooLarge, "request_body_too_large", "Request body too large",
	"The image exceeds the limit of "+strconv.Itoa(maxImageBytes>>20)+" MB.", map[string]any{"param_name": "file"})

func uploadReadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errImageTooLarge
	}
	return errParam(http.StatusBadRequest, "form_param_format_invalid", "file", "The multipart body could not be read.")
}

func (inst *Instance) bapiSetUserProfileImage(w http.ResponseWriter, r *http.Request) (any, int, error) {
	data, ct, err := parseImageUpload(w, r)
	if err != nil {
		return nil, 0, err
	}
	return inst.updateUser(r, func(t *txn, u *user, now time.Time) error {
		if err := dropImage(t, u.ImageID); err != nil {
			return err
		}
		img := &storedImage{ID: newID("img"), ContentType: ct, Data: data, CreatedAt: ms(now)}
		if err := t.put(kindImage, img.ID, img); err != nil {
			return err
		}
		u.ImageID, u.ImageURL = img.ID, inst.FrontendAPIURL+"/images/"+img.ID
		return nil
	})
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
	if err := t.del(kindImage, id); err != nil && !errors.Is(err, errNotFound) {
		return err
	}
	return nil
}

// handleImage serves a stored image to any origin, as Clerk's image CDN
// does; the bytes were sniffed at upload, so the type is fixed.
func (inst *Instance) handleImage(w http.ResponseWriter, r *http.Request) {
	var img storedImage
	if err := inst.store.view(r.Context(), func(t *txn) error { return t.get(kindImage, r.PathValue("id"), &img) }); err != nil {
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
