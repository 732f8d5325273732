using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Sla;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Api;

/// <summary>Admins change a unit's link, hours, deadline and managers while the service runs, on every node, as strictly as the file.</summary>
public sealed class UnitSettingsTests
{
    private const string Unit = "trt8-vt-macapa-7";
    private const string FileLink = "https://meet.google.com/bvt-mcpa-210";
    private const string NewLink = "https://meet.google.com/nova-sala-210";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static object Change(string link = NewLink, double? window = 24, double?[]? warn = null, string from = "07:30", string to = "13:30",
        string? managerPhone = "+5596981230999", double? escalate = null, bool keepAppointments = false) => new
        {
            videoDeskUrl = link,
            serviceHours = new[] { new { days = new[] { "mon", "tue", "wed", "thu" }, from, to } },
            sla = new { responseWindowHours = window, counting = "calendar", warnBeforeHours = warn ?? [4.0], escalateAfterHours = escalate },
            managers = new[] { new { name = "Nova diretora", email = "nova.diretora@trt8.jus.br", phone = managerPhone } },
            appointments = keepAppointments ? null : FittingAppointments, // left out (null): as they are
        };

    /// <summary>Appointments on the changed hours' days: 30 minutes, two citizens each, from 9h to 12h.</summary>
    private static readonly object FittingAppointments = new
    {
        enabled = true, slotMinutes = 30, placesPerSlot = 2, daysAhead = 7, minimumNoticeHours = 4.0, perContact = 1,
        hours = new[] { new { days = new[] { "mon", "tue", "wed", "thu" }, from = "09:00", to = "12:00" } },
    };

    [Test]
    public async Task Change_AppliesOnEveryNode_NewWaitsGetTheNewDeadline_AndRestoreBringsTheFileBack()
    {
        await using var bot = await BotHarness.StartAsync();
        await using var second = bot.SecondNode();
        using var secondClient = second.CreateClient();
        Assert.That(await LinkAsync(secondClient), Is.EqualTo(FileLink));
        using var admin = await bot.Factory.AdminClientAsync();
        var before = (await admin.GetFromJsonAsync<UnitSettingsView>($"/api/units/{Unit}/settings", Json))!;
        Assert.That((before.Settings.Sla!.ResponseWindowHours, before.ChangedBy), Is.EqualTo(((double?)48, (string?)null)));

        // The file's appointments run Monday to Friday: hours that drop Friday must move them too.
        var outside = await admin.PutAsJsonAsync($"/api/units/{Unit}/settings", Change(keepAppointments: true));
        Assert.That(outside.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var outsideErrors = (await outside.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.That(outsideErrors.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "appointments.hours" }));
        Assert.That(outsideErrors.GetProperty("appointments.hours")[0].GetString(), Does.StartWith("O horário de agendamento fica fora do horário de atendimento"));

        var saved = await admin.PutAsJsonAsync($"/api/units/{Unit}/settings", Change());
        Assert.That(saved.StatusCode, Is.EqualTo(HttpStatusCode.OK), await saved.Content.ReadAsStringAsync());
        var view = (await saved.Content.ReadFromJsonAsync<UnitSettingsView>(Json))!;
        Assert.Multiple(() =>
        {
            Assert.That(view.ChangedBy, Is.Not.Null.And.Not.Empty);
            var hours = view.Settings.ServiceHours!.Single();
            Assert.That((string.Join(',', hours.Days!), hours.From, hours.To), Is.EqualTo(("mon,tue,wed,thu", "07:30", "13:30")));
            Assert.That(view.Settings.Sla!.WarnBeforeHours, Is.EqualTo(new double?[] { 4 }));
            Assert.That(view.Settings.Managers!.Single().Email, Is.EqualTo("nova.diretora@trt8.jus.br"));
            var appointments = view.Settings.Appointments!;
            Assert.That((appointments.Enabled, appointments.SlotMinutes, appointments.PlacesPerSlot, appointments.MinimumNoticeHours, appointments.Hours!.Single().From),
                Is.EqualTo((true, (int?)30, (int?)2, (double?)4, "09:00")));
        });
        Assert.That(string.Join("\n", await bot.SayAsync("agendar", from: "whatsapp:+5596991110001", to: BotHarness.MacapaNumber)),
            Does.Contain("Horários livres para atendimento por vídeo com a 7ª Vara do Trabalho de Macapá (30 min, horário de Belém)"));
        var kept = await admin.PutAsJsonAsync($"/api/units/{Unit}/settings", Change(window: 36, keepAppointments: true));
        Assert.That(kept.StatusCode, Is.EqualTo(HttpStatusCode.OK), "appointments left out stay as they were");
        Assert.That((await kept.Content.ReadFromJsonAsync<UnitSettingsView>(Json))!.Settings.Appointments!.SlotMinutes, Is.EqualTo(30));
        Assert.That((await admin.PutAsJsonAsync($"/api/units/{Unit}/settings", Change())).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await LinkAsync(bot.Service), Is.EqualTo(NewLink), "this node");
        await TestServers.WaitUntilAsync(async () => await LinkAsync(secondClient) == NewLink, TimeSpan.FromSeconds(20), "the other node to take the change");

        var video = await bot.SayAsync("quero o link da videochamada", from: "whatsapp:+5596991110000", to: BotHarness.MacapaNumber);
        Assert.That(video.Single(), Does.Contain(NewLink).And.Contain("até as 13h30"), "the bot gives the new link and hours");
        Assert.That(bot.Factory.Services.GetRequiredService<UnitResolver>().Resolve("vara de macapá").Unit!.VideoDeskUrl, Is.EqualTo(new Uri(NewLink)),
            "a unit found by name is the unit as it is now");

        await bot.SayAsync("Minha audiência foi remarcada?", to: BotHarness.MacapaNumber);
        var conversation = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        var sla = await admin.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversation.Id}/sla");
        var period = sla.GetProperty("periods").Deserialize<List<WaitingPeriod>>(Json)!.Single();
        Assert.That(period.DueAt, Is.EqualTo(bot.Factory.Time.GetUtcNow().AddHours(24)), "24 calendar hours, not the file's 48");

        var restored = await admin.DeleteAsync($"/api/units/{Unit}/settings");
        Assert.That(restored.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await restored.Content.ReadFromJsonAsync<UnitSettingsView>(Json))!.ChangedBy, Is.Null);
        Assert.That(await LinkAsync(bot.Service), Is.EqualTo(FileLink));
        await TestServers.WaitUntilAsync(async () => await LinkAsync(secondClient) == FileLink, TimeSpan.FromSeconds(20), "the other node to restore");

        var audit = await bot.Factory.Services.GetRequiredService<UnitSettingsStore>().AuditAsync(Unit, 10);
        Assert.That(audit.Select(a => a.Action), Is.EqualTo(new[] { "restored", "changed", "changed", "changed" }));
    }

    [Test]
    public async Task Change_WithBadValues_IsRefusedFieldByField_AndChangesNothing()
    {
        await using var bot = await BotHarness.StartAsync();
        using var admin = await bot.Factory.AdminClientAsync();

        var bad = await admin.PutAsJsonAsync($"/api/units/{Unit}/settings",
            Change(link: "http://meet.google.com/x", from: "14:00", to: "13:00", warn: [60], managerPhone: "9999"));
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.That(errors.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "videoDeskUrl", "serviceHours", "sla.warnBeforeHours", "managers" }));
        Assert.That(errors.GetProperty("videoDeskUrl")[0].GetString(), Does.Contain("https://"));

        var numbers = await admin.PutAsJsonAsync($"/api/units/{Unit}/settings", Change(window: -5, escalate: double.MaxValue));
        var numberErrors = (await numbers.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.That(numberErrors.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "sla.responseWindowHours", "sla.escalateAfterHours" }));

        var noWindowButWarnings = await admin.PutAsJsonAsync($"/api/units/{Unit}/settings", Change(window: null, warn: [2]));
        Assert.That((await noWindowButWarnings.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name),
            Is.EqualTo(new[] { "sla" }));

        using var notJson = new StringContent("{\"videoDeskUrl\": ", System.Text.Encoding.UTF8, "application/json");
        Assert.That((await admin.PutAsync($"/api/units/{Unit}/settings", notJson)).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await admin.PutAsJsonAsync("/api/units/nao-existe/settings", Change())).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        var after = (await admin.GetFromJsonAsync<UnitSettingsView>($"/api/units/{Unit}/settings", Json))!;
        Assert.That((after.Settings.VideoDeskUrl, after.ChangedBy), Is.EqualTo((FileLink, (string?)null)));
    }

    [Test]
    public async Task StoredChanges_ThatNoLongerFitTheFile_AreSetAside_AndTheServiceStarts()
    {
        await using var bot = await BotHarness.StartAsync();
        var keys = bot.Factory.Services.GetRequiredService<RedisKeys>();
        var db = bot.Factory.Services.GetRequiredService<RedisConnections>().GetDatabase();
        var fits = "{\"videoDeskUrl\":\"" + NewLink + "\",\"serviceHours\":[{\"days\":\"mon-fri\",\"from\":\"08:00\",\"to\":\"13:00\"}]," +
                   "\"sla\":{\"responseWindow\":\"48:00:00\"},\"managers\":[],\"changedById\":\"x\",\"changedBy\":\"Admin\",\"changedAt\":\"2026-11-20T12:00:00Z\"}";
        await db.HashSetAsync(keys.UnitSettings(), [
            new(Unit, fits.Replace("https://", "http://", StringComparison.Ordinal)), // written by an older, laxer version, say
            new("trt8-vt-belem-1", "{not json"),
            new("unidade-extinta", fits),
            new("trt8-vt-belem-2", fits),
        ]);

        await bot.RestartAsync();

        Assert.That(await LinkAsync(bot.Service), Is.EqualTo(FileLink), "the unit runs as the file says");
        using var belem2 = await bot.Service.GetFromJsonAsync<JsonDocument>("/api/units/trt8-vt-belem-2");
        Assert.That(belem2!.RootElement.GetProperty("videoDeskUrl").GetString(), Is.EqualTo(NewLink), "a change that fits still applies");
        Assert.That((await bot.Service.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    private static async Task<string?> LinkAsync(HttpClient client)
    {
        using var unit = await client.GetFromJsonAsync<JsonDocument>($"/api/units/{Unit}");
        return unit!.RootElement.GetProperty("videoDeskUrl").GetString();
    }
}
