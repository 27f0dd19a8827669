package localclerk

// The repositories of uploaded images: users' profile images and
// organizations' logos.

// images returns the profile images' repository of t.
func (t *txn) images() repo[storedImage] {
	return newRepo(t, kindImage, func(i *storedImage) string { return i.ID })
}

// orgLogos returns the organization logos' repository of t.
func (t *txn) orgLogos() repo[orgLogo] {
	return newRepo(t, kindOrgLogo, func(l *orgLogo) string { return l.ID })
}
