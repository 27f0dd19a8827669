package backend

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"strings"
)

// File is a file upload for multipart operations (logos, profile images).
type File struct {
	// Name is the file name sent to Clerk, e.g. "logo.png".
	Name string
	// ContentType defaults to application/octet-stream.
	ContentType string
	// Content is read once, before the first attempt.
	Content io.Reader
}

// Multipart is a multipart/form-data request body for Client.Do.
type Multipart struct {
	parts []mpPart
}

type mpPart struct {
	name  string
	value string
	file  *File
}

// AddField appends a plain form field.
func (m *Multipart) AddField(name, value string) {
	m.parts = append(m.parts, mpPart{name: name, value: value})
}

// AddFile appends a file part; a nil file is skipped.
func (m *Multipart) AddFile(name string, f *File) {
	if f != nil {
		m.parts = append(m.parts, mpPart{name: name, file: f})
	}
}

func (m *Multipart) encode() ([]byte, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range m.parts {
		if p.file == nil {
			if err := w.WriteField(p.name, p.value); err != nil {
				return nil, "", err
			}
			continue
		}
		h := make(textproto.MIMEHeader)
		fn := p.file.Name
		if fn == "" {
			fn = p.name
		}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, quoteEscaper.Replace(p.name), quoteEscaper.Replace(fn)))
		ct := p.file.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		h.Set("Content-Type", ct)
		pw, err := w.CreatePart(h)
		if err != nil {
			return nil, "", err
		}
		if p.file.Content != nil {
			if _, err := io.Copy(pw, p.file.Content); err != nil {
				return nil, "", fmt.Errorf("read file %q: %w", fn, err)
			}
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"")

// Ptr returns a pointer to v, for the optional fields of parameter structs:
// Params{Name: backend.Ptr("x")}.
func Ptr[T any](v T) *T { return &v }
