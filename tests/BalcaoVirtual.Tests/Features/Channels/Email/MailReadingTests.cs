using System.Text;
using BalcaoVirtual.Web.Features.Channels.Email;
using MimeKit;

namespace BalcaoVirtual.Tests.Features.Channels.Email;

/// <summary>What a mail says about itself: a person or a robot, the thread it answers, the history it quotes.</summary>
public sealed class MailReadingTests
{
    [TestCase("Auto-Submitted", "auto-replied", MailKind.Automatic)]
    [TestCase("Auto-Submitted", "auto-generated", MailKind.Automatic)]
    [TestCase("Auto-Submitted", "no", MailKind.Personal)]
    [TestCase("X-Autoreply", "yes", MailKind.Automatic)]
    [TestCase("Precedence", "auto_reply", MailKind.Automatic)]
    [TestCase("Precedence", "bulk", MailKind.Bulk)]
    [TestCase("Precedence", "list", MailKind.Bulk)]
    [TestCase("List-Id", "<avisos.exemplo.com.br>", MailKind.Bulk)]
    [TestCase("List-Unsubscribe", "<mailto:sair@exemplo.com.br>", MailKind.Bulk)]
    [TestCase("X-Mailer", "Thunderbird", MailKind.Personal)]
    public void Classify_ReadsTheLoopHeaders(string header, string value, MailKind expected)
    {
        var mail = Mail("cidada@exemplo.com.br");
        mail.Headers.Add(header, value);

        Assert.That(MailHeaders.Classify(mail), Is.EqualTo(expected));
    }

    [TestCase("MAILER-DAEMON@mx.exemplo.com.br")]
    [TestCase("postmaster@exemplo.com.br")]
    public void Classify_TakesMailFromTheMailSystemAsABounce(string from) =>
        Assert.That(MailHeaders.Classify(Mail(from)), Is.EqualTo(MailKind.Bounce));

    [Test]
    public void BouncedMessageId_IsReadFromTheReturnedHeaders()
    {
        var headers = new MimePart("text", "rfc822-headers")
        {
            Content = new MimeContent(new MemoryStream(Encoding.ASCII.GetBytes("From: vt7macapa@trt8.jus.br\r\nMessage-ID: <balcao.abc@trt8.jus.br>\r\nSubject: Re: x\r\n\r\n"))),
        };
        var report = new MultipartReport("delivery-status") { new TextPart("plain") { Text = "Falhou." }, headers };
        var bounce = new MimeMessage([MailboxAddress.Parse("mailer-daemon@exemplo.com.br")], [MailboxAddress.Parse("vt7macapa@trt8.jus.br")], "Falha", report);

        Assert.That(MailHeaders.Classify(bounce), Is.EqualTo(MailKind.Bounce));
        Assert.That(MailHeaders.BouncedMessageId(bounce), Is.EqualTo("balcao.abc@trt8.jus.br"));
    }

    [Test]
    public void ThreadIds_AreInReplyToThenReferencesNewestFirst()
    {
        var mail = Mail("cidada@exemplo.com.br");
        mail.InReplyTo = "c@x";
        mail.References.Add("a@x");
        mail.References.Add("b@x");

        Assert.That(MailHeaders.ThreadIds(mail), Is.EqualTo(new[] { "c@x", "b@x", "a@x" }));
    }

    [TestCase("vt7macapa+0af3b2@trt8.jus.br", "0af3b2")]
    [TestCase("VT7MACAPA+0AF3B2@TRT8.JUS.BR", "0af3b2")]
    [TestCase("vt7macapa@trt8.jus.br", null)]
    [TestCase("vt7macapa+@trt8.jus.br", null)]
    [TestCase("vt7macapa+a.b@trt8.jus.br", null)]
    [TestCase("vt7macapa+0af3b2@outro.jus.br", null)]
    [TestCase("outra+0af3b2@trt8.jus.br", null)]
    public void PlusToken_IsTheTagOfThisMailboxOnly(string to, string? token)
    {
        var mail = Mail("cidada@exemplo.com.br", to);

        Assert.That(MailHeaders.PlusToken(mail, "vt7macapa@trt8.jus.br"), Is.EqualTo(token));
    }

    [Test]
    public void Quotes_GmailInPortuguese_WrappedAttribution()
    {
        var (text, quoted) = MailQuotes.Split("Obrigada!\n\nEm seg., 23 de nov. de 2026 às 09:00, Vara <\nvt7macapa@trt8.jus.br> escreveu:\n\n> A audiência foi mantida.\n");

        Assert.That(text, Is.EqualTo("Obrigada!"));
        Assert.That(quoted, Does.StartWith("Em seg., 23 de nov.").And.EndWith("> A audiência foi mantida."));
    }

    [Test]
    public void Quotes_OutlookInPortuguese()
    {
        var (text, quoted) = MailQuotes.Split("Segue a dúvida.\r\n\r\n________________________________\r\nDe: Vara do Trabalho <vt7macapa@trt8.jus.br>\r\nEnviado: segunda-feira, 23 de novembro de 2026 09:00\r\nPara: Fulana\r\nAssunto: Re: Audiência\r\n\r\nA audiência foi mantida.");

        Assert.That(text, Is.EqualTo("Segue a dúvida."));
        Assert.That(quoted, Does.StartWith("________").And.Contain("Enviado: segunda-feira"));
    }

    [TestCase("Ok.\n\n-----Mensagem original-----\nDe: x", "Ok.")]
    [TestCase("Ok.\n\nOn Mon, Nov 23, 2026 at 9:00 AM Vara <v@trt8.jus.br> wrote:\n> texto", "Ok.")]
    [TestCase("Ok, entendi.\n> texto antigo\n> mais texto\n", "Ok, entendi.")]
    public void Quotes_OtherMarkers(string body, string expected) =>
        Assert.That(MailQuotes.Split(body).Text, Is.EqualTo(expected));

    [TestCase("Minha dúvida é sobre o alvará.\nDe: onde vem o valor?")]
    [TestCase("> citação no topo\nminha resposta embaixo")]
    [TestCase("Em anexo envio a petição.")]
    public void Quotes_LeaveMailWithoutHistoryWhole(string body)
    {
        var (text, quoted) = MailQuotes.Split(body);

        Assert.That(text, Is.EqualTo(body.Trim()));
        Assert.That(quoted, Is.Null);
    }

    [Test]
    public void Quotes_AForwardWithNothingAbove_IsTheMessageItself()
    {
        var body = "---------- Forwarded message ---------\nDe: Fulano\nData: hoje\n\nTexto encaminhado.";

        Assert.That(MailQuotes.Split(body), Is.EqualTo((body, (string?)null)));
    }

    [Test]
    public void Answer_SubjectKeepsTheThread_AndHtmlEscapesEverything()
    {
        Assert.That(MailTransport.Subject("Audiência", "7ª VT"), Is.EqualTo("Re: Audiência"));
        Assert.That(MailTransport.Subject("RE: Audiência", "7ª VT"), Is.EqualTo("RE: Audiência"));
        Assert.That(MailTransport.Subject(null, "7ª VT"), Does.Contain("7ª VT"));
        Assert.That(MailTransport.Html("<script>x</script>\nlinha 2\n\nparágrafo", "Vara"),
            Does.Contain("<p>&lt;script&gt;x&lt;/script&gt;<br>linha 2</p><p>parágrafo</p>").And.Not.Contain("<script>"));
    }

    private static MimeMessage Mail(string from, string to = "vt7macapa@trt8.jus.br") =>
        new([MailboxAddress.Parse(from)], [MailboxAddress.Parse(to)], "Assunto", new TextPart("plain") { Text = "Texto." });
}
