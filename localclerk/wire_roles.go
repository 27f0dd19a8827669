package localclerk

import "errors"

// roleWire is the Role object, with its permissions.
type roleWire struct {
	Object            string            `json:"object"` // "role"
	ID                string            `json:"id"`
	Name              string            `json:"name"`
	Key               string            `json:"key"`
	Description       string            `json:"description"`
	IsCreatorEligible bool              `json:"is_creator_eligible"`
	Permissions       []*permissionWire `json:"permissions"`
	CreatedAt         int64             `json:"created_at"`
	UpdatedAt         int64             `json:"updated_at"`
}

// permissionWire is the Permission object.
type permissionWire struct {
	Object      string `json:"object"` // "permission"
	ID          string `json:"id"`
	Key         string `json:"key"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Type        string `json:"type"` // "system" or "user"
	CreatedAt   int64  `json:"created_at"`
	UpdatedAt   int64  `json:"updated_at"`
}

// roleJSON renders a role; a permission key no permission record holds
// (a system permission) is shown with the role's timestamps.
func roleJSON(t *txn, r *role) (*roleWire, error) {
	perms := []*permissionWire{}
	for _, k := range r.Permissions {
		p, err := permissionByKey(t, k)
		if errors.Is(err, errNotFound) {
			perms = append(perms, &permissionWire{Object: "permission", Key: k, Name: k,
				Type: permType(k), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt})
			continue
		}
		if err != nil {
			return nil, err
		}
		perms = append(perms, permissionJSON(p))
	}
	return &roleWire{Object: "role", ID: r.ID, Name: r.Name, Key: r.Key, Description: r.Description,
		IsCreatorEligible: r.Key == "org:admin", Permissions: perms, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}, nil
}

func permissionJSON(p *permission) *permissionWire {
	return &permissionWire{Object: "permission", ID: p.ID, Key: p.Key, Name: p.Name, Description: p.Description,
		Type: p.Type, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}
