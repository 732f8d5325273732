using System.Text.Json;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Storage;
using BalcaoVirtual.Web.Resources;
using IServer = Microsoft.AspNetCore.Hosting.Server.IServer;
using Microsoft.AspNetCore.Hosting.Server.Features;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Channels.Twilio;

/// <summary>
/// /dev/phone: play the citizen without a Twilio account. The page's messages are turned into real, signed
/// Twilio webhooks posted to this very service over HTTP; the replies come from the local outbox. Only when no
/// Twilio account is configured, and never in Production (every route answers 404 then).
/// </summary>
internal static class DevPhone
{
    public const string LoopbackClient = "dev-phone-loopback";

    /// <summary>A number no unit owns, standing for the court's central number: the chatbot finds the unit.</summary>
    public const string CentralNumber = "+559130000000";

    public sealed record SendRequest(string? From, string? To, string? Body);

    public sealed record DevNumber(string Unit, string To);

    /// <summary>Each court's own central number as the catalogue declares it; <see cref="CentralNumber"/> when none does.</summary>
    private static IEnumerable<DevNumber> CentralNumbers(UnitCatalog catalog)
    {
        var courts = catalog.Courts.Where(c => c.WhatsApp is not null).ToList();
        return courts.Count switch
        {
            0 => [new DevNumber(Texts.Get("DevPhoneCentralNumber"), "whatsapp:" + CentralNumber)],
            1 => [new DevNumber(Texts.Get("DevPhoneCentralNumber"), "whatsapp:" + courts[0].WhatsApp)],
            _ => courts.Select(c => new DevNumber(Texts.Format("DevPhoneCentralNumberOf", c.Name), "whatsapp:" + c.WhatsApp)),
        };
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/dev/phone").AllowAnonymous().ExcludeFromDescription();
        group.MapGet("/", (TwilioAccounts accounts) => accounts.DevPhoneEnabled
            ? Results.Stream(typeof(DevPhone).Assembly.GetManifestResourceStream("BalcaoVirtual.Web.Features.Channels.Twilio.DevPhone.html")!, "text/html; charset=utf-8")
            : Results.NotFound());
        group.MapGet("/numbers", (TwilioAccounts accounts, UnitCatalog catalog) => accounts.DevPhoneEnabled
            ? Results.Ok(CentralNumbers(catalog).Concat(catalog.Units.SelectMany(u => u.Channels.WhatsApp.Select(n => new DevNumber(u.Name, "whatsapp:" + n))
                .Concat(u.Channels.Sms.Select(n => new DevNumber(u.Name + " (SMS)", n))))))
            : Results.NotFound());
        group.MapPost("/send", SendAsync);
        group.MapGet("/replies", RepliesAsync);
    }

    private static async Task<IResult> SendAsync(
        SendRequest request, TwilioAccounts accounts, IHttpClientFactory clients, IServer server, TimeProvider time)
    {
        if (!accounts.DevPhoneEnabled)
        {
            return Results.NotFound();
        }

        var from = ContactAddress.FromTwilio(request.From);
        var to = ContactAddress.FromTwilio(request.To);
        if (from is null || to is null || string.IsNullOrWhiteSpace(request.Body))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["from"] = ["Use um número no formato +5591981234567 (ou whatsapp:+55…)."],
            });
        }

        using var client = clients.CreateClient(LoopbackClient);
        client.BaseAddress ??= LoopbackAddress(server);
        var sentAt = time.GetUtcNow();
        var sid = "SM" + InboundStore.NewId(sentAt).PadLeft(32, '0')[..32];
        var form = new List<KeyValuePair<string, string>>
        {
            new("MessageSid", sid), new("SmsMessageSid", sid), new("SmsSid", sid),
            new("AccountSid", TwilioAccounts.DevAccountSid), new("From", from.Raw), new("To", to.Raw),
            new("Body", request.Body), new("NumMedia", "0"), new("NumSegments", "1"), new("SmsStatus", "received"),
            new("ApiVersion", "2010-04-01"),
        };
        if (from.Channel == Channel.WhatsApp)
        {
            form.Add(new("WaId", from.Raw["whatsapp:+".Length..]));
            form.Add(new("ProfileName", "Telefone de teste"));
        }

        var url = new Uri(client.BaseAddress!, TwilioFeature.InboundPath).ToString();
        var signature = TwilioSignature.Compute(accounts.DevToken!, url,
            form.GroupBy(p => p.Key).Select(g => new KeyValuePair<string, IReadOnlyList<string>>(g.Key, g.Select(p => p.Value).ToList())));
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        message.Headers.Add(TwilioSignature.Header, signature);
        using var response = await client.SendAsync(message).ConfigureAwait(false);
        // The service's time, not the phone's: the page orders what was sent among the replies by it.
        return Results.Ok(new { status = (int)response.StatusCode, messageSid = sid, signature, at = sentAt });
    }

    private static async Task<IResult> RepliesAsync(string? to, TwilioAccounts accounts, RedisConnections redis, RedisKeys keys)
    {
        if (!accounts.DevPhoneEnabled)
        {
            return Results.NotFound();
        }

        var entries = await redis.GetDatabase().ListRangeAsync(keys.LocalOutbox(), 0, LocalOutboxTransport.Keep - 1).ConfigureAwait(false);
        // The list holds the newest first; reversed, messages sent in the same instant keep their sending order.
        var replies = entries.Reverse().Select(e => JsonSerializer.Deserialize<LocalMessage>(e.ToString(), JsonSerializerOptions.Web)!)
            .Where(m => to is null || m.To == to)
            .OrderBy(m => m.At);
        return Results.Ok(replies);
    }

    private static Uri LoopbackAddress(IServer server)
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault(a => a.StartsWith("http:", StringComparison.Ordinal))
                      ?? "http://127.0.0.1:5080";
        var uri = new Uri(address.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal));
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" or "localhost" ? "127.0.0.1" : uri.Host;
        return new UriBuilder(uri) { Host = host }.Uri;
    }
}
