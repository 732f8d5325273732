using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using BalcaoVirtual.Web.Resources;

namespace BalcaoVirtual.Web.Features.Privacy;

/// <summary>An export as a page a citizen can read and keep: every contact, conversation and message, all escaped.</summary>
internal static class SubjectPage
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);
    private static readonly CultureInfo PtBr = CultureInfo.GetCultureInfo("pt-BR");

    public static string Render(DataSubjectRequest request, SubjectData data)
    {
        string H(string? text) => Encoder.Encode(text ?? "");
        var html = new StringBuilder("<!doctype html><html lang=\"pt-BR\"><head><meta charset=\"utf-8\"><title>")
            .Append(H(Texts.Get("ExportTitle"))).Append("</title><style>body{font-family:sans-serif;max-width:50rem;margin:1rem auto;padding:0 1rem}")
            .Append("table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem;text-align:left;vertical-align:top}")
            .Append("td.text{white-space:pre-wrap}</style></head><body><main><h1>").Append(H(Texts.Get("ExportTitle"))).Append("</h1><p>")
            .Append(H(Texts.Format("ExportIntro", request.Subject, request.RequestedAt.ToString("dd/MM/yyyy HH:mm 'UTC'", PtBr), request.Id)))
            .Append("</p><h2>").Append(H(Texts.Get("ExportContacts"))).Append("</h2><ul>");
        foreach (var contact in data.Contacts)
        {
            html.Append("<li>").Append(H(Texts.Format("ExportContact", contact.Channel, contact.Address, contact.Name ?? "—", contact.PrivacyNotice ?? "—"))).Append("</li>");
        }

        html.Append("</ul>");
        foreach (var thread in data.Conversations)
        {
            var c = thread.Conversation;
            html.Append("<h2>").Append(H(Texts.Format("ExportConversation", c.UnitId ?? "—", c.CreatedAt.ToString("dd/MM/yyyy HH:mm", PtBr))))
                .Append("</h2><table><thead><tr><th>").Append(H(Texts.Get("ExportWhen"))).Append("</th><th>").Append(H(Texts.Get("ExportWho")))
                .Append("</th><th>").Append(H(Texts.Get("ExportText"))).Append("</th></tr></thead><tbody>");
            foreach (var m in thread.Messages)
            {
                html.Append("<tr><td>").Append(H(m.CreatedAt.ToString("dd/MM/yyyy HH:mm", PtBr))).Append("</td><td>").Append(H(m.Author.ToString()))
                    .Append("</td><td class=\"text\">").Append(H(m.Text)).Append(m.MediaUrls.Count > 0 ? H(" [" + string.Join(", ", m.MediaUrls) + "]") : "")
                    .Append("</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        return html.Append("</main></body></html>").ToString();
    }
}
