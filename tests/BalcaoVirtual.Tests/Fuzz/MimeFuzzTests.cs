using System.Text;
using System.Text.Json.Nodes;
using BalcaoVirtual.Web.Features.Channels.Email;
using BalcaoVirtual.Web.Features.Units;
using MailKit;
using MimeKit;

namespace BalcaoVirtual.Tests.Fuzz;

/// <summary>
/// E-mail as the mailbox poller reads it: MimeKit parses whatever the IMAP server holds, then the service decides what
/// the mail is (person, robot, bounce), which conversation it answers and what a clerk will read. None of that may throw:
/// a throw on one mail stops the mailbox's polling at that mail, every time.
/// </summary>
public sealed class MimeFuzzTests
{
    private static readonly string[] Seeds =
    [
        """
        From: =?UTF-8?B?TWFyaWEgSm9zw6k=?= <maria.jose@exemplo.com.br>
        To: Vara de Macapá <vt7macapa+0af3b2c4d5e6f708@trt8.jus.br>
        Subject: =?UTF-8?Q?Re:_Audi=C3=AAncia_do_processo?=
        Message-ID: <CAF=abc123@mail.exemplo.com.br>
        In-Reply-To: <balcao.m1@trt8.jus.br>
        References: <a@x> <balcao.m1@trt8.jus.br>
        Date: Mon, 23 Nov 2026 10:00:00 -0300
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: quoted-printable

        Bom dia, a audi=C3=AAncia foi mantida? Processo 0001234-56.2024.5.08.0001.

        Em seg., 23 de nov. de 2026 =C3=A0s 09:00, Balc=C3=A3o <vt7macapa@trt8.jus.br> escreveu:
        > Prezada, informe o n=C3=BAmero.
        > > mais antigo
        """,
        """
        From: joao@exemplo.com.br
        To: balcao@trt8.jus.br
        Subject: Documentos
        Message-ID: <m2@exemplo.com.br>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="b1"

        --b1
        Content-Type: multipart/alternative; boundary="b2"

        --b2
        Content-Type: text/plain; charset=iso-8859-1
        Content-Transfer-Encoding: 8bit

        Segue a peti��o.
        --b2
        Content-Type: text/html; charset=utf-8

        <html><head><style>p{color:red}</style><script>alert(1)</script></head><body><p>Segue a <b>petição</b>.</p><br><div>De: <a href="mailto:x@y">x</a></div><blockquote>antigo</blockquote></body></html>
        --b2--
        --b1
        Content-Type: application/pdf; name="peticao.pdf"
        Content-Disposition: attachment; filename*=utf-8''peti%C3%A7%C3%A3o.pdf
        Content-Transfer-Encoding: base64

        JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSL0ZpbHRlci9GbGF0ZURlY29kZT4+CnN0cmVhbQo=
        --b1
        Content-Type: message/rfc822

        From: outra@exemplo.com.br
        Subject: encaminhada

        texto
        --b1--
        """,
        """
        From: Mail Delivery System <MAILER-DAEMON@mx.exemplo.com.br>
        To: vt7macapa@trt8.jus.br
        Subject: Undelivered Mail Returned to Sender
        Auto-Submitted: auto-replied
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="r1"

        --r1
        Content-Type: text/plain

        This is the mail system. I'm sorry to have to inform you that your message could not be delivered.
        --r1
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.exemplo.com.br
        Final-Recipient: rfc822; ninguem@exemplo.com.br
        Action: failed
        Status: 5.1.1
        --r1
        Content-Type: text/rfc822-headers

        From: vt7macapa@trt8.jus.br
        Message-ID: <balcao.m9@trt8.jus.br>
        Subject: Re: x
        --r1--
        """,
        """
        From: ferias@exemplo.com.br
        Reply-To: "Atendimento" <atendimento@exemplo.com.br>
        To: balcao@trt8.jus.br
        Subject: Ausente do escritório
        Precedence: auto_reply
        X-Autoreply: yes
        List-Id: <avisos.exemplo.com.br>
        Content-Type: text/html; charset=windows-1252

        <p>Estou ausente at&eacute; 30/11.&nbsp;&#8212;&#x2014;</p><!-- comentário --><table><tr><td>a</td><td>b</td></tr></table>
        ________________
        De: Balcão
        Enviado em: segunda
        """,
    ];

    private static readonly string[] Tokens =
    [
        "\r\n", "\n", ": ", "From: ", "To: ", "Reply-To: ", "Subject: ", "Message-ID: ", "In-Reply-To: ", "References: ", "<", ">", "@",
        "Content-Type: ", "multipart/mixed; boundary=\"b1\"", "--b1", "--b1--", "--b2", "--r1", "text/plain", "text/html", "charset=",
        "utf-16", "x-unknown", "Content-Transfer-Encoding: ", "base64", "quoted-printable", "uuencode", "=?UTF-8?B?", "=?iso-8859-1?Q?", "?=",
        "=C3=", "=\r\n", "filename*=", "''", "message/rfc822", "message/delivery-status", "text/rfc822-headers", "Auto-Submitted: ",
        "<html>", "</", "<br>", "&#", "&#x", "&", ";", "<blockquote>", "> ", "escreveu:", "wrote:", "-----Original Message-----", "+",
    ];

    private static readonly Mailbox Box = CourtMailbox();

    [Test]
    public void AnyMail_IsReadAsTheServiceReadsIt_NeverThrows() => Fuzzer.Run("mime", 120_000,
        r => Mutator.Bytes(r, [.. Seeds.Select(s => Encoding.Latin1.GetBytes(s.Replace("\n", "\r\n", StringComparison.Ordinal)))], Tokens),
        raw =>
        {
            MimeMessage message;
            try
            {
                message = MimeMessage.Load(new MemoryStream(raw));
            }
            catch (FormatException)
            {
                return; // not a message at all: MailKit gives the poller no message for it
            }

            using (message)
            {
                Read(message);
                // The same mail as the poller sees one over its size limit: the headers and the text part only.
                using var headersOnly = new MimeMessage();
                headersOnly.Headers.Clear();
                foreach (var header in message.Headers)
                {
                    headersOnly.Headers.Add(header);
                }

                headersOnly.Body = message.BodyParts.OfType<TextPart>().FirstOrDefault();
                Read(headersOnly);
            }
        });

    [Test]
    public void AnyHtml_BecomesText_NeverThrows() => Fuzzer.Run("mail-html", 100_000,
        r => r.Next(3) == 0 ? Mutator.AnyText(r, 400) : Mutator.Text(r, [Seeds[1][Seeds[1].IndexOf("<html>", StringComparison.Ordinal)..], Seeds[3]], Tokens),
        html =>
        {
            // It is shown as text (escaped), so any markup left in it is harmless; it must just never grow.
            var text = HtmlText.ToPlain(html);
            Assert.That(text.Length, Is.LessThanOrEqualTo(html.Length), "the text is never longer than its markup");
        });

    [Test]
    public void AnyBody_IsSplitFromItsQuotedHistory_NeverThrows() => Fuzzer.Run("mail-quotes", 100_000,
        r => r.Next(3) == 0 ? Mutator.AnyText(r, 400) : Mutator.Text(r, [Seeds[0], Seeds[3]], Tokens),
        body =>
        {
            var (text, quoted) = MailQuotes.Split(body);
            Assert.That(text.Length + (quoted?.Length ?? 0), Is.LessThanOrEqualTo(body.Length + 2), "nothing is made up");
        });

    private static void Read(MimeMessage message)
    {
        _ = MailHeaders.Classify(message);
        _ = MailHeaders.ThreadIds(message).ToList();
        _ = MailHeaders.PlusToken(message, Box.Address);
        _ = MailHeaders.BouncedMessageId(message);
        if (MailboxPoller.ToInbound(message, Box, 7, new UniqueId(42)) is { } inbound)
        {
            Assert.That(inbound.ProviderId, Does.StartWith("mail:"));
        }

        _ = MailboxPoller.ToInbound(message, Box, 7, new UniqueId(42), MailKind.Automatic, "thread", "nota");
        foreach (var part in message.Attachments.OfType<MimePart>())
        {
            part.Content?.DecodeTo(Stream.Null); // what the attachment download does
        }
    }

    private static Mailbox CourtMailbox()
    {
        var doc = JsonNode.Parse(File.ReadAllText(RepoPaths.File("deploy", "units", "trt8.sample.json")))!;
        doc["courts"]![0]!["email"] = "balcao@trt8.jus.br";
        doc["courts"]![0]!["mailbox"] = new JsonObject
        {
            ["imap"] = new JsonObject { ["host"] = "imap.trt8.jus.br", ["port"] = 993, ["security"] = "ssl", ["user"] = "balcao" },
            ["plusAddressing"] = true,
        };
        return UnitCatalogLoader.Parse(doc.ToJsonString(), "trt8.sample.json").Mailboxes.Single();
    }
}
