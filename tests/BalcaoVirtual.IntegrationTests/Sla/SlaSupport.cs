using System.Text.Json.Nodes;
using BalcaoVirtual.IntegrationTests.Support;
using MimeKit;

namespace BalcaoVirtual.IntegrationTests.Sla;

/// <summary>Catalogues with short windows, and the mail the test SMTP server received.</summary>
internal static class SlaSupport
{
    public const string Macapa = "trt8-vt-macapa-7";
    public const string MacapaManagerEmail = "dir.vt7macapa@trt8.jus.br";
    public const string MacapaManagerPhone = "whatsapp:+5596981230210";
    public const string EscalationEmail = "corregedoria.balcao@trt8.jus.br";

    /// <summary>The sample catalogue with Macapá's policy replaced (windows of seconds make real-time tests short).</summary>
    public static string CatalogWithMacapaSla(string window, string warnBefore, string? escalateAfter)
    {
        return TestServers.SampleCatalogWith(Macapa, unit =>
        {
            var sla = new JsonObject { ["responseWindow"] = window, ["counting"] = "calendar", ["warnBefore"] = new JsonArray(warnBefore) };
            if (escalateAfter is not null)
            {
                sla["escalateAfter"] = escalateAfter;
            }

            unit["sla"] = sla;
        });
    }

    /// <summary>Every message in the test SMTP server's Maildir whose text mentions <paramref name="marker"/>.</summary>
    public static IReadOnlyList<MimeMessage> Mail(string marker, string? maildir = null)
    {
        var root = maildir ?? TestServers.Maildir;
        var found = new List<MimeMessage>();
        foreach (var folder in new[] { "new", "cur" }.Select(f => Path.Combine(root, f)).Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(folder))
            {
                MimeMessage message;
                try
                {
                    message = MimeMessage.Load(file);
                }
                catch (IOException)
                {
                    continue; // being written
                }

                if ((message.TextBody ?? "").Contains(marker, StringComparison.Ordinal))
                {
                    found.Add(message);
                }
            }
        }

        return found;
    }
}
