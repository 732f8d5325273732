using System.Net;
using System.Net.Http.Json;
using BalcaoVirtual.IntegrationTests.Chatbot;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Api;

/// <summary>
/// Every route the service maps, called as nobody, as a clerk of another unit, as a clerk of the unit, and as an admin.
/// A route missing from the table fails the test, so a new one cannot slip in without its rule.
/// </summary>
public sealed class AuthorizationMatrixTests
{
    private enum Rule
    {
        /// <summary>Anyone (public data, sign-in, health, webhooks that check their own signature).</summary>
        Public,

        /// <summary>Signed in; what it returns is filtered to the caller's units.</summary>
        SignedIn,

        /// <summary>Only people of the unit the route names (admins too).</summary>
        Unit,

        /// <summary>Administrators only.</summary>
        Admin,

        /// <summary>A page: without a session it sends the browser to the sign-in page.</summary>
        Page,

        /// <summary>A page of one unit: to the sign-in page without a session, 403 for another unit's people.</summary>
        UnitPage,
    }

    // {conv} is a Macapá conversation; {unit} is Macapá.
    private static readonly (string Method, string Route, string Path, Rule Rule)[] Table =
    [
        ("GET", "/health/live", "/health/live", Rule.Public),
        ("GET", "/health/ready", "/health/ready", Rule.Public),
        ("GET", "/metrics", "/metrics", Rule.Public), // only to this machine or a private network (TelemetryTests)
        ("GET", "/api/units/", "/api/units", Rule.Public),
        ("GET", "/api/units/{id}", "/api/units/{unit}", Rule.Public),
        ("GET", "/api/units/{id}/availability", "/api/units/{unit}/availability", Rule.Public),
        ("GET", "/api/processes/{number}", "/api/processes/0001234-56.2025.5.08.0210", Rule.Public),
        ("GET", "/api/processes/{number}/status", "/api/processes/0001234-56.2025.5.08.0210/status", Rule.SignedIn),
        ("POST", "/api/auth/token", "/api/auth/token", Rule.Public),
        ("GET", "/api/auth/me", "/api/auth/me", Rule.SignedIn),
        ("POST", "/api/auth/password", "/api/auth/password", Rule.SignedIn), // one's own password only (OwnPasswordTests)
        ("GET", "/api/users/", "/api/users", Rule.Admin),
        ("GET", "/api/users/{id}", "/api/users/nobody", Rule.Admin),
        ("POST", "/api/users/", "/api/users", Rule.Admin),
        ("PATCH", "/api/users/{id}", "/api/users/nobody", Rule.Admin),
        ("GET", "/api/conversations/", "/api/conversations?unit={unit}", Rule.Unit),
        ("GET", "/api/inbox", "/api/inbox?unit={unit}", Rule.Unit),
        ("GET", "/api/conversations/{id}", "/api/conversations/{conv}", Rule.Unit),
        ("GET", "/api/conversations/{id}/presence", "/api/conversations/{conv}/presence", Rule.Unit),
        ("POST", "/api/conversations/{id}/messages", "/api/conversations/{conv}/messages", Rule.Unit),
        ("POST", "/api/conversations/{id}/transfer", "/api/conversations/{conv}/transfer", Rule.Unit),
        ("POST", "/api/conversations/{id}/claim", "/api/conversations/{conv}/claim", Rule.Unit),
        ("POST", "/api/conversations/{id}/assign", "/api/conversations/{conv}/assign", Rule.Unit),
        ("POST", "/api/conversations/{id}/close", "/api/conversations/{conv}/close", Rule.Unit),
        ("POST", "/api/conversations/{id}/reopen", "/api/conversations/{conv}/reopen", Rule.Unit),
        ("POST", "/api/conversations/{id}/notes", "/api/conversations/{conv}/notes", Rule.Unit),
        ("GET", "/api/conversations/{id}/audit", "/api/conversations/{conv}/audit", Rule.Unit),
        ("GET", "/api/conversations/{id}/sla", "/api/conversations/{conv}/sla", Rule.Unit),
        ("GET", "/api/conversations/{id}/messages/{messageId}/attachments/{index:int}", "/api/conversations/{conv}/messages/none/attachments/0", Rule.Unit),
        ("GET", "/api/conversations/{id}/messages/{messageId}/original", "/api/conversations/{conv}/messages/none/original", Rule.Unit),
        ("GET", "/api/mailboxes", "/api/mailboxes", Rule.Admin),
        ("GET", "/api/audit", "/api/audit", Rule.Admin),
        ("GET", "/api/privacy/retention", "/api/privacy/retention", Rule.Admin),
        ("GET", "/api/privacy/requests", "/api/privacy/requests", Rule.Admin),
        ("POST", "/api/privacy/requests/export", "/api/privacy/requests/export", Rule.Admin),
        ("POST", "/api/privacy/requests/erasure", "/api/privacy/requests/erasure", Rule.Admin),
        ("GET", "/admin/audit", "/admin/audit", Rule.Page),
        ("GET", "/admin/privacy", "/admin/privacy", Rule.Page),
        ("POST", "/api/conversations/{id}/messages/{messageId}/reveal", "/api/conversations/{conv}/messages/none/reveal", Rule.Unit),
        ("GET", "/api/units/{id}/alerts", "/api/units/{unit}/alerts", Rule.Unit),
        ("GET", "/api/units/{id}/settings/", "/api/units/{unit}/settings", Rule.Admin),
        ("PUT", "/api/units/{id}/settings/", "/api/units/{unit}/settings", Rule.Admin),
        ("DELETE", "/api/units/{id}/settings/", "/api/units/{unit}/settings", Rule.Admin),
        ("GET", "/api/units/{id}/canned", "/api/units/{unit}/canned", Rule.Unit),
        ("POST", "/api/units/{id}/canned", "/api/units/{unit}/canned", Rule.Unit), // a clerk's is a proposal (InboxToolsTests)
        ("PUT", "/api/units/{id}/canned/{cannedId}", "/api/units/{unit}/canned/none", Rule.Admin), // managers of the unit too
        ("POST", "/api/units/{id}/canned/{cannedId}/approve", "/api/units/{unit}/canned/none/approve", Rule.Admin), // managers too
        ("DELETE", "/api/units/{id}/canned/{cannedId}", "/api/units/{unit}/canned/none", Rule.Unit), // a clerk only her own proposal
        ("GET", "/api/labels", "/api/labels", Rule.SignedIn),
        ("GET", "/api/units/{id}/labels", "/api/units/{unit}/labels", Rule.Unit),
        ("POST", "/api/units/{id}/labels", "/api/units/{unit}/labels", Rule.Admin), // managers of the unit too (InboxLabelsTests)
        ("PUT", "/api/units/{id}/labels/{labelId}", "/api/units/{unit}/labels/none", Rule.Admin),
        ("DELETE", "/api/units/{id}/labels/{labelId}", "/api/units/{unit}/labels/none", Rule.Admin),
        ("PUT", "/api/conversations/{id}/labels", "/api/conversations/{conv}/labels", Rule.Unit),
        ("GET", "/api/conversations/{id}/contact", "/api/conversations/{conv}/contact", Rule.Unit),
        ("POST", "/api/conversations/{id}/video-link", "/api/conversations/{conv}/video-link", Rule.Unit),
        ("POST", "/api/conversations/{id}/case-status", "/api/conversations/{conv}/case-status", Rule.Unit),
        ("GET", "/api/reports/sla", "/api/reports/sla?unit={unit}", Rule.Unit),
        ("GET", "/reports/sla/{unit}/{month}", "/reports/sla/{unit}/2026-11", Rule.UnitPage),
        ("GET", "/reports/sla", "/reports/sla?unit={unit}&month=2026-11", Rule.UnitPage), // the picker: to the report's address
        ("GET", "/conta", "/conta", Rule.Page),
        ("GET", "/agenda", "/agenda", Rule.Page),
        ("GET", "/api/units/{id}/appointments/", "/api/units/{unit}/appointments", Rule.Unit),
        ("POST", "/api/units/{id}/appointments/{appointmentId}/move", "/api/units/{unit}/appointments/none/move", Rule.Unit),
        ("POST", "/api/units/{id}/appointments/{appointmentId}/cancel", "/api/units/{unit}/appointments/none/cancel", Rule.Unit),
        ("POST", "/api/units/{id}/appointments/{appointmentId}/link", "/api/units/{unit}/appointments/none/link", Rule.Unit),
        ("POST", "/api/units/{id}/appointments/{appointmentId}/attendance", "/api/units/{unit}/appointments/none/attendance", Rule.Unit),
        ("GET", "/", "/", Rule.Public),
        ("GET", "/unidades/{id}", "/unidades/{unit}", Rule.Public),
        ("GET", "/unidades/{id}/agendar", "/unidades/{unit}/agendar", Rule.Public),
        ("POST", "/unidades/{id}/agendar", "/unidades/{unit}/agendar", Rule.Public), // a form without its token books nothing (PublicBookingMailTests)
        ("GET", "/fragmento", "/fragmento", Rule.Public),
        ("GET", "/entrar", "/entrar", Rule.Public),
        ("POST", "/entrar", "/entrar", Rule.Public),
        ("POST", "/sair", "/sair", Rule.Public),
        ("GET", "/entrar/sso", "/entrar/sso", Rule.Public), // to the court's provider (off here: back to /entrar)
        ("GET", "/inbox", "/inbox", Rule.Page),
        ("GET", "/inbox/conversations/{id}", "/inbox/conversations/{conv}", Rule.Page),
        ("GET", "/admin/users", "/admin/users", Rule.Page), // a clerk gets 403 (InboxPageTests)
        ("GET", "/admin/units", "/admin/units", Rule.Page), // a clerk gets 403 (InboxPageTests)
        ("GET", "/admin/canned", "/admin/canned", Rule.Page), // clerks too: they read the answers and propose their own
        ("GET", "/assets/{file}", "/assets/inbox.js", Rule.Public),
        ("POST", "/webhooks/twilio", "/webhooks/twilio", Rule.Public),
        ("POST", "/webhooks/twilio/status", "/webhooks/twilio/status", Rule.Public),
        ("GET", "/webhooks/meta", "/webhooks/meta", Rule.Public),
        ("POST", "/webhooks/meta", "/webhooks/meta", Rule.Public),
        ("GET", "/api/units/resolve", "/api/units/resolve?text=macapa", Rule.Public),
        ("GET", "/dev/phone/", "/dev/phone", Rule.Public),
        ("GET", "/dev/phone/numbers", "/dev/phone/numbers", Rule.Public),
        ("GET", "/dev/phone/replies", "/dev/phone/replies", Rule.Public),
        ("POST", "/dev/phone/send", "/dev/phone/send", Rule.Public),
        ("GET", "/hangfire", "/hangfire", Rule.Admin),
        ("GET", "/openapi/{documentName}.json", "/openapi/v1.json", Rule.Public), // in Development; admins only elsewhere (OpenApiDocumentTests)
        ("GET", "/hubs/inbox/negotiate", "/hubs/inbox/negotiate", Rule.SignedIn), // the hub joins only the caller's units
        ("GET", "/hubs/inbox", "/hubs/inbox", Rule.SignedIn),
        ("POST", "/api/auth/logout", "/api/auth/logout", Rule.SignedIn), // last: it ends the sessions used above
    ];

    [Test]
    public async Task EveryRoute_AnswersEachRoleByItsRule()
    {
        await using var bot = await BotHarness.StartAsync();
        await bot.SayAsync("Minha audiência foi remarcada?", to: BotHarness.MacapaNumber);
        var conversation = (await bot.ConversationAsync(to: BotHarness.MacapaNumber)).Id;

        var mapped = bot.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .Where(r => !r.Item2.StartsWith("/hangfire/", StringComparison.Ordinal)) // the dashboard's own pages, behind the same rule
            .ToHashSet();
        var missing = mapped.Where(r => !Table.Any(t => t.Method == r.Item1 && t.Route == r.Item2)).ToList();
        Assert.That(missing, Is.Empty, "routes without a rule in this table");

        using var anonymous = bot.Factory.CreateClient(new() { AllowAutoRedirect = false });
        using var foreign = await bot.Factory.ClientForNewUserAsync("foreign@trt8.jus.br", clerkOf: ["trt8-vt-belem-1"]);
        using var clerk = await bot.Factory.ClientForNewUserAsync("own@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);
        using var admin = await bot.Factory.AdminClientAsync();
        var failures = new List<string>();
        foreach (var (method, _, template, rule) in Table.Where(t => mapped.Contains((t.Method, t.Route))))
        {
            var path = template.Replace("{conv}", conversation, StringComparison.Ordinal).Replace("{unit}", "trt8-vt-macapa-7", StringComparison.Ordinal);
            async Task<HttpStatusCode> Call(HttpClient client)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method != "GET")
                {
                    request.Content = JsonContent.Create(new { });
                }

                using var response = await client.SendAsync(request);
                return response.StatusCode;
            }

            var (nobody, other, own, boss) = (await Call(anonymous), await Call(foreign), await Call(clerk), await Call(admin));
            var ok = rule switch
            {
                Rule.Public => nobody is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) || path.StartsWith("/webhooks/", StringComparison.Ordinal),
                Rule.SignedIn => nobody == HttpStatusCode.Unauthorized && other != HttpStatusCode.Unauthorized && own != HttpStatusCode.Unauthorized,
                Rule.Unit => nobody == HttpStatusCode.Unauthorized && other == HttpStatusCode.Forbidden
                    && own is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) && boss is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden),
                Rule.Admin => nobody == HttpStatusCode.Unauthorized && other == HttpStatusCode.Forbidden && own == HttpStatusCode.Forbidden
                    && boss is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden),
                Rule.Page => nobody == HttpStatusCode.Redirect,
                Rule.UnitPage => nobody == HttpStatusCode.Redirect && other == HttpStatusCode.Forbidden
                    && own is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) && boss is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden),
                _ => false,
            };
            if (!ok)
            {
                failures.Add($"{method} {path} ({rule}): nobody {(int)nobody}, other unit {(int)other}, own unit {(int)own}, admin {(int)boss}");
            }
        }

        Assert.That(failures, Is.Empty);
    }
}
