package gateway

// allRoutes is the route table of the whole gateway. New route groups are appended here.
func (a *app) allRoutes() []route {
	var rs []route
	for _, group := range [][]route{
		a.operationsRoutes(),
		a.accountRoutes(),
		a.sessionRoutes(),
		a.referenceRoutes(),
		a.applicationRoutes(),
		a.eligibilityRoutes(),
		a.notificationRoutes(),
		a.documentRoutes(),
		a.pdfRoutes(),
		a.paymentRoutes(),
		a.payPageRoutes(),
		a.taskRoutes(),
		a.taskActionRoutes(),
		a.examRoutes(),
		a.scoreRoutes(),
		a.evaluationRoutes(),
		a.adminRoutes(),
		a.certificateRoutes(),
		a.disputeRoutes(),
		a.codecRoutes(),
		a.openAPIRoutes(),
	} {
		rs = append(rs, group...)
	}
	return rs
}
