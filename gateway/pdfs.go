package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"

	"skillcert"
	"skillcert/pdfdoc"
	"skillcert/schema/db"
	"skillcert/workflows"
)

// pdfRenderer renders the Chinese documents (implemented by *pdfdoc.Renderer).
type pdfRenderer interface {
	ApplicationForm(pdfdoc.FormData) ([]byte, error)
	IntegrityPledge(pdfdoc.PledgeData) ([]byte, error)
	AdmissionTicket(pdfdoc.TicketData) ([]byte, error)
	Certificate(pdfdoc.CertificateData) ([]byte, error)
}

// newPDFRenderer loads the CJK font named by SKILLCERT_CJK_FONT (or the default one).
func newPDFRenderer(getenv func(string) string) (pdfRenderer, error) {
	path, err := pdfdoc.FindFont(getenv)
	if err != nil {
		return nil, err
	}
	r, err := pdfdoc.NewRenderer(path)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// person is what the documents print about the applicant.
type person struct {
	Name, IDNumber, Gender, BirthDate, Phone string
}

func (a *app) person(c *fiber.Ctx, applicantID string) (person, error) {
	u, err := a.q.GetUserByID(c.UserContext(), applicantID)
	if err != nil {
		return person{}, fmt.Errorf("read applicant: %w", err)
	}
	p := person{Name: u.Name, Phone: deref(u.Phone)}
	if len(u.IDNumberEnc) > 0 {
		if p.IDNumber, err = a.ids.open(u.IDNumberEnc); err != nil {
			return person{}, fmt.Errorf("applicant %s: %w", u.ID, err)
		}
		if id, err := skillcert.ParseIDNumber(p.IDNumber, skillcert.Date{}); err == nil {
			p.BirthDate = id.Birth.String()
			p.Gender = "男"
			if id.Female {
				p.Gender = "女"
			}
		}
		if hidesIDNumber(c) { // committee members never see the full ID number
			p.IDNumber = skillcert.MaskIDNumber(p.IDNumber)
		}
	}
	return p, nil
}

// photo returns the accepted photo for the PDFs: the downscaled JPEG copy made at acceptance, or for
// photos accepted before copies were made, the inspected version itself when it is a JPEG or PNG (its
// SHA-256 checked). Without an accepted photo, or with one that cannot be used, it is nil: the documents
// then print an empty photo box. A dependency that cannot be read (Postgres or MinIO down) is an error, so
// that the request answers 503 rather than a document without its photo.
func (a *app) photo(ctx context.Context, applicationID string) ([]byte, error) {
	doc, err := a.q.GetAcceptedDocument(ctx, db.GetAcceptedDocumentParams{ApplicationID: applicationID, DocType: string(skillcert.DocPhoto)})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read photo document: %w", err)
	}
	var data []byte
	if doc.PdfPhotoKey != nil && doc.PdfPhotoVersion != nil {
		data, _, err = a.store.Read(ctx, *doc.PdfPhotoKey, *doc.PdfPhotoVersion, skillcert.MaxPhotoBytes)
	} else if k := skillcert.FileKind(deref(doc.Kind)); k == skillcert.KindPNG || k == skillcert.KindJPEG {
		if data, _, err = a.inspectedBytes(ctx, doc, skillcert.MaxPhotoBytes); err == nil {
			err = pdfdoc.CheckPhoto(data) // accepted under older, larger pixel caps
		}
	} else {
		return nil, nil
	}
	if isUnavailable(err) {
		return nil, fmt.Errorf("read photo for PDF: %w", err)
	}
	if err != nil {
		a.log.Warn("read photo for PDF", "application_id", applicationID, "error", err)
		return nil, nil
	}
	return data, nil
}

// batchName is the name of the batch, or its ID when the batch is gone.
func (a *app) batchName(ctx context.Context, batchID string) (string, error) {
	b, err := a.q.GetBatch(ctx, batchID)
	if errors.Is(err, pgx.ErrNoRows) {
		return batchID, nil
	}
	if err != nil {
		return "", fmt.Errorf("read batch: %w", err)
	}
	return b.Name, nil
}

func (a *app) sendPDF(c *fiber.Ctx, filename string, data []byte) error {
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="`+filename+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(data)
}

func (a *app) requirePDF() error {
	if a.pdf == nil {
		return skillcert.Errorf(skillcert.EUNAVAILABLE, "PDF 生成不可用：服务器缺少中文字体（SKILLCERT_CJK_FONT）")
	}
	return nil
}

// formData gathers what the 申报表 and the 诚信承诺书 print.
func (a *app) formData(c *fiber.Ctx, row db.Application) (pdfdoc.FormData, error) {
	if err := a.requirePDF(); err != nil {
		return pdfdoc.FormData{}, err
	}
	ctx := c.UserContext()
	var view workflows.View
	if err := json.Unmarshal(row.View, &view); err != nil || view.Declared == nil {
		return pdfdoc.FormData{}, fmt.Errorf("application %s: declared facts missing from the projection: %v", row.ID, err)
	}
	in := view.Declared
	p, err := a.person(c, row.ApplicantID)
	if err != nil {
		return pdfdoc.FormData{}, err
	}
	batchName, err := a.batchName(ctx, row.BatchID)
	if err != nil {
		return pdfdoc.FormData{}, err
	}
	photo, err := a.photo(ctx, row.ID)
	if err != nil {
		return pdfdoc.FormData{}, err
	}
	f := pdfdoc.FormData{ApplicationID: row.ID, BatchName: batchName, Name: p.Name, Gender: p.Gender,
		IDNumber: p.IDNumber, BirthDate: p.BirthDate, Phone: p.Phone, Education: in.Education.Label(),
		Employer: row.Employer, EmployerType: in.EmployerType.Label(), Region: row.Region,
		OccupationCode: row.OccupationCode, OccupationName: view.OccupationName, LevelName: skillcert.Level(row.Level).Label(),
		PathwayLabel: skillcert.Pathway(row.Pathway).Label(), OccupationStartedOn: in.OccupationStartedOn.String(),
		Photo: photo, GeneratedAt: a.now()}
	if pc := in.PreviousCertificate; pc != nil {
		f.PreviousCertificate = fmt.Sprintf("%s，%s，职业编码 %s，发证日期 %s", pc.Number, pc.Level.Label(), pc.OccupationCode, pc.IssuedOn)
	}
	if t := in.Title; t != nil {
		f.Title = fmt.Sprintf("%s（%s），取得日期 %s", t.Field, t.Grade.Label(), t.ObtainedOn)
	}
	if v := in.Veteran; v != nil {
		f.Veteran = fmt.Sprintf("按%s工资待遇兑现，自%d年起", v.TreatmentLevel.Label(), v.SinceYear)
	}
	return f, nil
}

func (a *app) formPDF(c *fiber.Ctx) error {
	row, err := a.loadApplication(c)
	if err != nil {
		return err
	}
	f, err := a.formData(c, row)
	if err != nil {
		return err
	}
	data, err := a.pdf.ApplicationForm(f)
	if err != nil {
		return fmt.Errorf("render application form: %w", err)
	}
	return a.sendPDF(c, "application-form-"+row.ID+".pdf", data)
}

func (a *app) pledgePDF(c *fiber.Ctx) error {
	row, err := a.loadApplication(c)
	if err != nil {
		return err
	}
	f, err := a.formData(c, row)
	if err != nil {
		return err
	}
	data, err := a.pdf.IntegrityPledge(pdfdoc.PledgeData{ApplicationID: row.ID, BatchName: f.BatchName, Name: f.Name,
		IDNumber: f.IDNumber, OccupationName: f.OccupationName, LevelName: f.LevelName, GeneratedAt: f.GeneratedAt})
	if err != nil {
		return fmt.Errorf("render integrity pledge: %w", err)
	}
	return a.sendPDF(c, "integrity-pledge-"+row.ID+".pdf", data)
}

func (a *app) admissionTicketPDF(c *fiber.Ctx) error {
	row, err := a.loadApplication(c)
	if err != nil {
		return err
	}
	var view workflows.View
	if err := json.Unmarshal(row.View, &view); err != nil {
		return fmt.Errorf("decode view: %w", err)
	}
	if view.Exam == nil || row.Status == skillcert.StatusRevoked || row.Status == skillcert.StatusWithdrawn {
		return skillcert.Errorf(skillcert.ENOTFOUND, "准考证尚未生成（须缴费并安排考场后）")
	}
	if err := a.requirePDF(); err != nil {
		return err
	}
	p, err := a.person(c, row.ApplicantID)
	if err != nil {
		return err
	}
	batchName, err := a.batchName(c.UserContext(), row.BatchID)
	if err != nil {
		return err
	}
	photo, err := a.photo(c.UserContext(), row.ID)
	if err != nil {
		return err
	}
	data, err := a.pdf.AdmissionTicket(pdfdoc.TicketData{TicketNumber: ticketNumber(row.ID, view.Exam),
		ApplicationID: row.ID, BatchName: batchName, Name: p.Name, Gender: p.Gender, IDNumber: p.IDNumber,
		OccupationCode: row.OccupationCode, OccupationName: view.OccupationName,
		LevelName: skillcert.Level(row.Level).Label(), Region: row.Region, Venue: view.Exam.Venue,
		Seat: fmt.Sprintf("%03d", view.Exam.Seat), StartsAt: view.Exam.StartsAt,
		Photo: photo, GeneratedAt: a.now()})
	if err != nil {
		return fmt.Errorf("render admission ticket: %w", err)
	}
	return a.sendPDF(c, "admission-ticket-"+row.ID+".pdf", data)
}

// ticketNumber is the 准考证号: the exam year, the session and the seat.
func ticketNumber(applicationID string, exam *workflows.ExamView) string {
	session := strings.ToUpper(strings.ReplaceAll(exam.SessionID, "-", ""))
	if len(session) > 8 {
		session = session[:8]
	}
	return fmt.Sprintf("%d%s%03d", exam.StartsAt.In(skillcert.ChinaZone).Year(), session, exam.Seat)
}

func (a *app) certificatePDF(c *fiber.Ctx) error {
	row, err := a.loadApplication(c)
	if err != nil {
		return err
	}
	cert, err := a.q.GetCertificateByApplication(c.UserContext(), row.ID)
	if errors.Is(err, pgx.ErrNoRows) {
		return skillcert.Errorf(skillcert.ENOTFOUND, "证书尚未颁发")
	}
	if err != nil {
		return fmt.Errorf("read certificate: %w", err)
	}
	if err := a.requirePDF(); err != nil {
		return err
	}
	p, err := a.person(c, row.ApplicantID)
	if err != nil {
		return err
	}
	photo, err := a.photo(c.UserContext(), row.ID)
	if err != nil {
		return err
	}
	d := pdfdoc.CertificateData{Number: cert.Number, Name: p.Name, Gender: p.Gender, IDNumber: p.IDNumber,
		OccupationCode: cert.OccupationCode, OccupationName: cert.OccupationName,
		LevelName: skillcert.Level(cert.Level).Label(), IssuedOn: cert.IssuedOn.Time.Format(time.DateOnly),
		VerifyURL: a.cfg.PublicURL + "/verify/" + cert.Number, Photo: photo,
		Revoked: cert.Status == "revoked", RevokeReason: deref(cert.RevokedReason)}
	if cert.RevokedAt != nil {
		d.RevokedOn = skillcert.DateOf(*cert.RevokedAt).String()
	}
	data, err := a.pdf.Certificate(d)
	if err != nil {
		return fmt.Errorf("render certificate: %w", err)
	}
	return a.sendPDF(c, "certificate-"+cert.Number+".pdf", data)
}

// pdfRoutes are the generated documents of an application.
func (a *app) pdfRoutes() []route {
	pdf := func(path, summary string, h fiber.Handler) route {
		return route{Method: "GET", Path: "/api/v1/applications/:id/" + path, Roles: rolesReaders, Handler: h,
			Tag: "documents", Summary: summary, ContentType: "application/pdf", Errors: []int{404, 503}}
	}
	return []route{
		pdf("form.pdf", "The filled 申报表 (附件5)", a.formPDF),
		pdf("pledge.pdf", "The 诚信承诺书 (附件6) to sign", a.pledgePDF),
		pdf("admission-ticket.pdf", "The 准考证, once seated in an exam session", a.admissionTicketPDF),
		pdf("certificate.pdf", "The certificate, once issued (revoked ones are marked)", a.certificatePDF),
	}
}
