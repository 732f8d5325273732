using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using BalcaoVirtual.Web.Features.Chatbot;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Resources;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Appointments;

/// <summary>The public booking form as posted: the slot (an instant), name, channel ("sms", "whatsapp", "email"), contact, subject; "site" is a trap for robots.</summary>
public sealed record PublicBookingForm(string? Horario, string? Nome, string? Canal, string? Contato, string? Assunto, string? Site)
{
    /// <summary>The form's own id (hidden): sent twice (a refresh, a double tap), it books once.</summary>
    public string? Pedido { get; init; }
}

/// <summary>
/// Booking a video call on the public page, per unit, without JavaScript: the free slots as radio buttons by day, and a
/// short form (name, how to be told, subject). The same rules as the chatbot's (the store checks them); the
/// confirmation goes through the channel chosen: SMS or e-mail from the unit's own address, or WhatsApp by the court's
/// approved template (the court writes first). A wrong field is said beside it, and nothing is booked.
/// </summary>
internal static class PublicBooking
{
    private const int MaxName = 100;
    private const int SlotsShown = 30;
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    private static string H(string? text) => Html.Encode(text ?? "");

    public static IEndpointRouteBuilder MapPublicBooking(this IEndpointRouteBuilder app)
    {
        app.MapGet("/unidades/{id}/agendar", FormAsync).AllowAnonymous().RequireRateLimiting(RateLimits.Public);
        // The form is read and its token checked here, so that a bad or expired token is said on the page, not a bare 400.
        app.MapPost("/unidades/{id}/agendar", BookAsync).AllowAnonymous().DisableAntiforgery().RequireRateLimiting(RateLimits.Booking);
        return app;
    }

    /// <summary>The ways a confirmation can reach the citizen at this unit: channel → the court address it goes from.</summary>
    private static Dictionary<string, string> Channels(Unit unit, UnitCatalog catalog, Channels.WhatsApp.WhatsAppOptions whatsApp)
    {
        var ways = new Dictionary<string, string>(StringComparer.Ordinal);
        if ((unit.Channels.WhatsApp.Count > 0 ? unit.Channels.WhatsApp[0] : unit.Court.WhatsApp) is { } number && whatsApp.TemplateOf("appointmentBooked", unit.Id, unit.Court.Id) is not null
            && whatsApp.TemplateOf(AppointmentReminderJob.TemplateKind, unit.Id, unit.Court.Id) is not null)
        {
            ways["whatsapp"] = "whatsapp:" + number;
        }

        if (unit.Channels.Sms.Count > 0)
        {
            ways["sms"] = unit.Channels.Sms[0];
        }

        if ((catalog.FindMailbox(unit.Id) ?? catalog.FindMailbox(unit.Court.Id)) is { } mailbox)
        {
            ways["email"] = mailbox.Address;
        }

        return ways;
    }

    private static async Task<IResult> FormAsync(
        string id, HttpContext http, UnitCatalog catalog, AppointmentBook book, IAntiforgery antiforgery, IOptions<Channels.WhatsApp.WhatsAppOptions> whatsApp, TimeProvider time)
    {
        if (catalog.Find(id) is not { } unit)
        {
            return Results.Redirect("/unidades/" + Uri.EscapeDataString(id));
        }

        return await PageAsync(http, unit, catalog, book, antiforgery, whatsApp.Value, time, new PublicBookingForm(null, null, null, null, null, null), [], null)
            .ConfigureAwait(false);
    }

    private static async Task<IResult> BookAsync(
        string id, HttpContext http, UnitCatalog catalog, AppointmentBook book, IAntiforgery antiforgery,
        IOptions<Channels.WhatsApp.WhatsAppOptions> whatsApp, IOptions<Channels.Meta.MetaOptions> meta, ConversationOpener opener, Outbox outbox,
        ConversationStore conversations, Infrastructure.Storage.RedisConnections redis, TimeProvider time)
    {
        if (catalog.Find(id) is not { } unit)
        {
            return Results.Redirect("/unidades/" + Uri.EscapeDataString(id));
        }

        if (!http.Request.HasFormContentType)
        {
            return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }

        var posted = await http.Request.ReadFormAsync().ConfigureAwait(false);
        var form = new PublicBookingForm(posted["horario"], posted["nome"], posted["canal"], posted["contato"], posted["assunto"], posted["site"])
        {
            Pedido = posted["pedido"],
        };
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false))
        {
            errors[""] = Texts.Get("AntiforgeryInvalid");
            return await PageAsync(http, unit, catalog, book, antiforgery, whatsApp.Value, time, form, errors, null).ConfigureAwait(false);
        }

        var ways = Channels(unit, catalog, whatsApp.Value);
        if (!DateTimeOffset.TryParse(form.Horario, CultureInfo.InvariantCulture, DateTimeStyles.None, out var start))
        {
            errors["horario"] = Texts.Get("PublicBookNoSlot");
        }

        var name = form.Nome?.Trim() ?? "";
        if (name.Length is 0 or > MaxName)
        {
            errors["nome"] = Texts.Get("PublicBookName");
        }

        var subject = form.Assunto?.Trim() ?? "";
        if (subject.Length is 0 or > AppointmentBook.SubjectLength)
        {
            errors["assunto"] = Texts.Format("PublicBookSubject", AppointmentBook.SubjectLength);
        }

        ContactAddress? contact = null;
        if (form.Canal is not { } channel || !ways.ContainsKey(channel))
        {
            errors["canal"] = Texts.Get("PublicBookChannel");
        }
        else if ((contact = Contact(channel, form.Contato)) is null)
        {
            errors["contato"] = Texts.Get(channel == "email" ? "PublicBookEmail" : "PublicBookPhone");
        }

        if (!string.IsNullOrEmpty(form.Site))
        {
            errors[""] = Texts.Get("PublicBookRefused"); // a robot filled the field people never see
        }

        if (errors.Count > 0)
        {
            return await PageAsync(http, unit, catalog, book, antiforgery, whatsApp.Value, time, form, errors, null).ConfigureAwait(false);
        }

        // Booked under the conversation's id before the conversation is opened: a refusal stores nothing of the contact.
        var now = time.GetUtcNow();
        var conversationId = await opener.IdForAsync(contact!, ways[form.Canal!]).ConfigureAwait(false);
        var result = await book.BookAsync(new BookingRequest(unit.Id, start, Infrastructure.Storage.RedisKeys.ContactOf(conversationId), conversationId,
            subject, "page", "citizen") { Id = FormId(form.Pedido), Name = name, Cases = [.. Court.CnjNumber.FindAll(subject).Where(n => n.IsValid).Select(n => n.Number.Canonical)] }, now)
            .ConfigureAwait(false);
        if (!result.Booked)
        {
            errors[result.Refusal == BookingRefusal.Limit ? "" : "horario"] = result switch
            {
                { Refusal: BookingRefusal.Full } => Texts.Get("PublicBookFull"),
                { Refusal: BookingRefusal.Limit } => Texts.Format("PublicBookLimit", unit.Appointments?.PerContact ?? 1),
                { Problem: SlotProblem.TooSoon } => Texts.Format("AgendaSlotTooSoon", unit.Appointments?.MinimumNotice.TotalHours ?? 0),
                _ => Texts.Get("PublicBookGone"),
            };
            return await PageAsync(http, unit, catalog, book, antiforgery, whatsApp.Value, time, form, errors, null).ConfigureAwait(false);
        }

        var booked = result.Appointment!;
        if (result.Again && await conversations.GetAsync(booked.ConversationId!).ConfigureAwait(false) is not null)
        {
            // The same form again (a refresh, a double tap): booked and confirmed the first time.
            return await PageAsync(http, unit, catalog, book, antiforgery, whatsApp.Value, time, form, errors,
                Texts.Format("PublicBooked", BotFormat.When(booked.Start, unit.TimeZone), BotFormat.ZoneName(unit.TimeZone), Texts.Get("PublicChannel_" + form.Canal)))
                .ConfigureAwait(false);
        }

        // A new booking, or one whose first post stopped before its conversation was opened (the same form again finishes it).
        start = booked.Start;
        var conversation = await opener.OpenAsync(contact!, ways[form.Canal!], unit.Id, name, form.Canal == "whatsapp" ? MetaAccount(unit, meta.Value) : null, booked.ConversationId)
            .ConfigureAwait(false);
        if (conversation.Id != booked.ConversationId)
        {
            // The citizen wrote to the same number in between, and that opened another conversation: the call is that one's.
            await book.RepointAsync(unit.Id, booked.Id, conversation.Id).ConfigureAwait(false);
        }

        // The confirmation, through the channel chosen (WhatsApp: the court writes first, so by its approved template).
        var when = BotFormat.When(start, unit.TimeZone);
        var text = Texts.Format("PublicBookedMessage", unit.Name, when, BotFormat.ZoneName(unit.TimeZone),
            Texts.Get(AppointmentReminderJob.RemindsTheDayBefore(start, now) ? "PublicBookedLink" : "PublicBookedLinkSoon"));
        MessageTemplate? template = form.Canal == "whatsapp"
            ? new("appointmentBooked", new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["unit"] = unit.Name, ["when"] = when, ["link"] = Texts.Get("AppointmentLinkLater"), ["court"] = unit.Court.Name, ["courtId"] = unit.Court.Id,
            })
            : null;
        var tran = redis.ForTransactions().CreateTransaction();
        outbox.AddQueue(tran, conversation, text, MessageAuthor.System, null, template, acts: ["appointment-booked"]);
        await tran.ExecuteAsync().ConfigureAwait(false);
        await outbox.SignalAsync().ConfigureAwait(false);
        return await PageAsync(http, unit, catalog, book, antiforgery, whatsApp.Value, time, form, errors,
            Texts.Format("PublicBooked", when, BotFormat.ZoneName(unit.TimeZone), Texts.Get("PublicChannel_" + form.Canal))).ConfigureAwait(false);
    }

    /// <summary>
    /// The Meta account the unit's WhatsApp number is at, when Meta hosts it (the unit's own number at Meta, or the court's
    /// central one when the unit has none and Meta is configured); null: Twilio.
    /// </summary>
    private static string? MetaAccount(Unit unit, Channels.Meta.MetaOptions meta)
    {
        if (!meta.IsConfigured)
        {
            return null;
        }

        if (meta.Units.TryGetValue(unit.Id, out var own) && own.PhoneNumberId.Length > 0)
        {
            return "meta:" + own.PhoneNumberId;
        }

        return unit.Channels.WhatsApp.Count == 0 ? "meta:" + meta.PhoneNumberId : null;
    }

    /// <summary>The booking's id from the form's own id (16 hex digits), or a new one when it is missing or not that.</summary>
    private static string? FormId(string? pedido) =>
        pedido is { Length: 16 } && pedido.All(char.IsAsciiHexDigitLower) ? "p" + pedido : null;

    /// <summary>The address typed, for the channel: a Brazilian mobile with its area code, or an e-mail address.</summary>
    private static ContactAddress? Contact(string channel, string? typed)
    {
        if (channel == "email")
        {
            return ContactAddress.FromEmail(typed?.Trim());
        }

        var digits = new string([.. (typed ?? "").Where(char.IsAsciiDigit)]);
        digits = ContactAddress.WithCountryCode(digits);
        if (digits.Length is not (12 or 13) || !digits.StartsWith("55", StringComparison.Ordinal))
        {
            return null;
        }

        return ContactAddress.FromTwilio((channel == "whatsapp" ? "whatsapp:+" : "+") + ContactAddress.NormalizeDigits(digits));
    }

    private static async Task<IResult> PageAsync(
        HttpContext http, Unit unit, UnitCatalog catalog, AppointmentBook book, IAntiforgery antiforgery, Channels.WhatsApp.WhatsAppOptions whatsApp,
        TimeProvider time, PublicBookingForm form, Dictionary<string, string> errors, string? done)
    {
        var html = new StringBuilder(8192);
        var title = Texts.Format("PublicBookTitle", unit.Name);
        html.Append("<!doctype html><html lang=\"pt-BR\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(H(title)).Append("</title><style>").Append(PublicSite.PublicPage.PageCss).Append(PublicSite.PublicPage.Css).Append(BookingCss)
            .Append("</style></head><body class=\"bv\"><header><p><a href=\"/unidades/").Append(H(Uri.EscapeDataString(unit.Id))).Append("\">")
            .Append(H(Texts.Get("PublicBookBack"))).Append("</a></p><h1>").Append(H(title)).Append("</h1></header><main id=\"conteudo\">");
        if (done is not null)
        {
            html.Append("<p class=\"bv-done\" role=\"status\">").Append(H(done)).Append("</p></main></body></html>");
            return Page(http, html.ToString(), StatusCodes.Status200OK);
        }

        if (unit.Appointments is not { } policy)
        {
            html.Append("<p>").Append(H(Texts.Format("PublicBookNone", unit.Name))).Append("</p></main></body></html>");
            return Page(http, html.ToString(), StatusCodes.Status404NotFound);
        }

        var ways = Channels(unit, catalog, whatsApp);
        var free = await book.FreeSlotsAsync(unit, time.GetUtcNow(), SlotsShown).ConfigureAwait(false);
        html.Append("<p>").Append(H(Texts.Format("PublicBookIntro", (int)policy.SlotLength.TotalMinutes, BotFormat.ZoneName(unit.TimeZone)))).Append("</p>");
        if (errors.Count > 0)
        {
            html.Append("<div class=\"bv-note\" role=\"alert\"><p><strong>").Append(H(Texts.Get("PublicBookFix"))).Append("</strong></p>");
            if (errors.TryGetValue("", out var general))
            {
                html.Append("<p>").Append(H(general)).Append("</p>");
            }

            html.Append("</div>");
        }

        if (free.Count == 0 || ways.Count == 0)
        {
            html.Append("<p>").Append(H(Texts.Format(free.Count == 0 ? "PublicBookNoSlots" : "PublicBookNoChannel", unit.Name, policy.DaysAhead))).Append("</p></main></body></html>");
            return Page(http, html.ToString(), errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
        }

        var tokens = antiforgery.GetAndStoreTokens(http);
        html.Append("<form method=\"post\" action=\"/unidades/").Append(H(Uri.EscapeDataString(unit.Id))).Append("/agendar\" novalidate>")
            .Append("<input type=\"hidden\" name=\"").Append(H(tokens.FormFieldName)).Append("\" value=\"").Append(H(tokens.RequestToken)).Append("\">")
            .Append("<input type=\"hidden\" name=\"pedido\" value=\"").Append(H(FormId(form.Pedido) is null ? Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)) : form.Pedido)).Append("\">");
        html.Append("<fieldset id=\"horario\"><legend>").Append(H(Texts.Get("PublicBookSlots"))).Append("</legend>");
        Error(html, errors, "horario");
        foreach (var day in free.GroupBy(s => TimeZoneInfo.ConvertTime(s, unit.TimeZone).Date))
        {
            html.Append("<p class=\"bv-day\">").Append(H(BotFormat.Day(day.First(), unit.TimeZone))).Append("</p><div class=\"bv-slots\">");
            foreach (var slot in day)
            {
                var value = slot.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
                var slotId = "s" + slot.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                html.Append("<label for=\"").Append(slotId).Append("\"><input type=\"radio\" name=\"horario\" id=\"").Append(slotId).Append("\" value=\"").Append(H(value)).Append('"')
                    .Append(form.Horario == value ? " checked" : "").Append("> ").Append(H(BotFormat.Time(slot, unit.TimeZone))).Append("</label>");
            }

            html.Append("</div>");
        }

        html.Append("</fieldset>");
        Field(html, errors, "nome", Texts.Get("PublicBookNameLabel"), $"<input id=\"nome\" name=\"nome\" autocomplete=\"name\" maxlength=\"{MaxName}\" value=\"{H(form.Nome)}\">");
        html.Append("<fieldset id=\"canal\"><legend>").Append(H(Texts.Get("PublicBookChannelLabel"))).Append("</legend>");
        Error(html, errors, "canal");
        foreach (var way in ways.Keys)
        {
            html.Append("<label for=\"c-").Append(way).Append("\"><input type=\"radio\" name=\"canal\" id=\"c-").Append(way).Append("\" value=\"").Append(way).Append('"')
                .Append(form.Canal == way || ways.Count == 1 ? " checked" : "").Append("> ").Append(H(Texts.Get("PublicChannel_" + way))).Append("</label>");
        }

        html.Append("</fieldset>");
        Field(html, errors, "contato", Texts.Get("PublicBookContactLabel"), $"<input id=\"contato\" name=\"contato\" autocomplete=\"on\" value=\"{H(form.Contato)}\">");
        Field(html, errors, "assunto", Texts.Get("PublicBookSubjectLabel"),
            $"<textarea id=\"assunto\" name=\"assunto\" rows=\"3\" maxlength=\"{AppointmentBook.SubjectLength}\">{H(form.Assunto)}</textarea>");
        html.Append("<p class=\"bv-trap\" aria-hidden=\"true\"><label for=\"site\">Site</label><input id=\"site\" name=\"site\" tabindex=\"-1\" autocomplete=\"off\"></p>")
            .Append("<p>").Append(H(Texts.Get("PublicBookPrivacy"))).Append("</p><button type=\"submit\">").Append(H(Texts.Get("PublicBookSubmit"))).Append("</button></form></main></body></html>");
        return Page(http, html.ToString(), errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }

    private static void Field(StringBuilder html, Dictionary<string, string> errors, string name, string label, string input)
    {
        html.Append("<p class=\"bv-field\"><label for=\"").Append(name).Append("\">").Append(H(label)).Append("</label>");
        Error(html, errors, name);
        html.Append(errors.ContainsKey(name) ? input.Replace($"id=\"{name}\"", $"id=\"{name}\" aria-invalid=\"true\" aria-describedby=\"{name}-erro\"", StringComparison.Ordinal) : input)
            .Append("</p>");
    }

    private static void Error(StringBuilder html, Dictionary<string, string> errors, string name)
    {
        if (errors.TryGetValue(name, out var error))
        {
            html.Append("<span class=\"bv-error\" id=\"").Append(name).Append("-erro\">").Append(H(error)).Append("</span>");
        }
    }

    private static IResult Page(HttpContext http, string html, int status)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = PublicSite.PublicPage.ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-store"; // the free slots change, and the form carries a token
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }

    private const string BookingCss =
        "fieldset{border:1px solid #c9c9c9;border-radius:.4rem;margin:.8rem 0;padding:.5rem .8rem}legend{font-weight:600}" +
        ".bv-day{margin:.5rem 0 .2rem;font-weight:600}.bv-slots{display:flex;flex-wrap:wrap;gap:.4rem}" +
        ".bv-slots label,#canal label{display:inline-flex;align-items:center;gap:.3rem;font-weight:400;border:1px solid #6b6b6b;border-radius:.3rem;padding:.45rem .6rem;margin:0 .3rem .3rem 0}" +
        ".bv-field input,.bv-field textarea{display:block;width:100%;box-sizing:border-box;font:inherit;padding:.55rem;border:1px solid #6b6b6b;border-radius:.3rem}" +
        ".bv-error{display:block;color:#8a1c1c;font-weight:600;margin:.2rem 0}.bv-done{font-size:1.15rem;font-weight:600;color:#1e6b2e}" +
        ".bv-trap{position:absolute;left:-9999px}[aria-invalid=true]{border-color:#8a1c1c!important}";
}
