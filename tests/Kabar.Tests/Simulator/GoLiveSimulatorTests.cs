using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Kabar.Channels;
using Kabar.Tests.Infrastructure;
using Kabar.WhatsApp;

namespace Kabar.Tests.Simulator;

/// <summary>
/// Going live against a brand-new business account (<c>Kabar:Simulator:NewAccount</c>): the number
/// and account nodes, <c>subscribed_apps</c>, submitting templates with Meta's checks and review,
/// and the management rate limit — each as a client of Meta's Graph API would notice it.
/// </summary>
public sealed class GoLiveSimulatorTests : SimulatorOverSockets
{
    private const string WabaId = WhatsAppOptions.SandboxWabaId;

    protected override Dictionary<string, string?> Settings => new()
    {
        ["Kabar:Simulator:NewAccount"] = "true",
        ["Kabar:Simulator:ManagementCallsPerHour"] = "20",
        ["Kabar:Simulator:TemplateReviewDelay"] = "00:00:01.500",
    };

    [Fact]
    public async Task NewAccount_Start_NoTemplatesAndNoAppSubscribed()
    {
        var templates = await GetJsonAsync($"v23.0/{WabaId}/message_templates");
        var apps = await GetJsonAsync($"v23.0/{WabaId}/subscribed_apps");

        Assert.Equal(0, templates.GetProperty("data").GetArrayLength());
        Assert.Equal(0, apps.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task SubscribedApps_PostThenDelete_ListsTheAppThenNone()
    {
        using var subscribe = await SendAsync(HttpMethod.Post, $"v23.0/{WabaId}/subscribed_apps");
        await Http.AssertStatusAsync(subscribe, HttpStatusCode.OK);
        Assert.True((await subscribe.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("success").GetBoolean());

        var app = Assert.Single((await GetJsonAsync($"v23.0/{WabaId}/subscribed_apps")).GetProperty("data").EnumerateArray())
            .GetProperty("whatsapp_business_api_data");
        Assert.Equal("900000000000099", app.GetProperty("id").GetString());
        Assert.Equal("Kabar", app.GetProperty("name").GetString());
        Assert.Equal("https://www.facebook.com/games/?app_id=900000000000099", app.GetProperty("link").GetString());

        using var unsubscribe = await SendAsync(HttpMethod.Delete, $"v23.0/{WabaId}/subscribed_apps");
        await Http.AssertStatusAsync(unsubscribe, HttpStatusCode.OK);
        Assert.Equal(0, (await GetJsonAsync($"v23.0/{WabaId}/subscribed_apps")).GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task NumberNode_CheckFields_AnswersHealthyNumberLikeMeta()
    {
        var number = await GetJsonAsync($"v23.0/{PhoneNumberId}?fields=display_phone_number,verified_name,name_status,"
            + "code_verification_status,quality_rating,status,platform_type,throughput,whatsapp_business_manager_messaging_limit");

        Assert.Equal(PhoneNumberId, number.GetProperty("id").GetString());
        Assert.Equal("+62 811-0000-0000", number.GetProperty("display_phone_number").GetString());
        Assert.Equal("Dinas Penanaman Modal dan PTSP", number.GetProperty("verified_name").GetString());
        Assert.Equal("APPROVED", number.GetProperty("name_status").GetString());
        Assert.Equal("VERIFIED", number.GetProperty("code_verification_status").GetString());
        Assert.Equal("GREEN", number.GetProperty("quality_rating").GetString());
        Assert.Equal("CONNECTED", number.GetProperty("status").GetString());
        Assert.Equal("CLOUD_API", number.GetProperty("platform_type").GetString());
        Assert.Equal("STANDARD", number.GetProperty("throughput").GetProperty("level").GetString());
        Assert.Equal("TIER_250", number.GetProperty("whatsapp_business_manager_messaging_limit").GetString());
    }

    [Fact]
    public async Task NumberNode_OneField_AnswersOnlyItAndId()
    {
        var number = await GetJsonAsync($"v23.0/{PhoneNumberId}?fields=quality_rating");

        Assert.Equal(["quality_rating", "id"], number.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task NumberNode_ControlSetsStatus_NodeReportsIt()
    {
        using var put = await Control.PutAsJsonAsync($"numbers/{PhoneNumberId}",
            new { status = "DISCONNECTED", nameStatus = "DECLINED", qualityRating = "RED" });
        await Http.AssertStatusAsync(put, HttpStatusCode.OK);

        var number = await GetJsonAsync($"v23.0/{PhoneNumberId}?fields=status,name_status,quality_rating,code_verification_status");

        Assert.Equal("DISCONNECTED", number.GetProperty("status").GetString());
        Assert.Equal("DECLINED", number.GetProperty("name_status").GetString());
        Assert.Equal("RED", number.GetProperty("quality_rating").GetString());
        Assert.Equal("VERIFIED", number.GetProperty("code_verification_status").GetString());
    }

    [Fact]
    public async Task Node_UnknownId_Code100Subcode33GraphMethodException()
    {
        using var response = await SendAsync(HttpMethod.Get, "v23.0/123456789?fields=display_phone_number");

        var error = await ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(100, error.GetProperty("code").GetInt32());
        Assert.Equal(33, error.GetProperty("error_subcode").GetInt32());
        Assert.Equal("GraphMethodException", error.GetProperty("type").GetString());
        Assert.StartsWith("Unsupported get request. Object with ID '123456789' does not exist, cannot be loaded due to missing permissions, or does not support this operation",
            error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task AccountNode_Fields_AnswersTheAccount()
    {
        var account = await GetJsonAsync($"v23.0/{WabaId}?fields=id,name,currency,timezone_id,message_template_namespace,account_review_status");

        Assert.Equal(WabaId, account.GetProperty("id").GetString());
        Assert.Equal("Dinas Penanaman Modal dan PTSP", account.GetProperty("name").GetString());
        Assert.Equal("IDR", account.GetProperty("currency").GetString());
        Assert.Equal("APPROVED", account.GetProperty("account_review_status").GetString());
        Assert.Matches("^[0-9a-f]{8}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{12}$", account.GetProperty("message_template_namespace").GetString());
        Assert.False(string.IsNullOrEmpty(account.GetProperty("timezone_id").GetString()));
    }

    [Fact]
    public async Task ManagementCalls_BadToken_Refused190()
    {
        foreach (var path in new[] { $"v23.0/{PhoneNumberId}", $"v23.0/{WabaId}", $"v23.0/{WabaId}/subscribed_apps" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, SimulatorUrl + "/" + path);
            using var http = new HttpClient();
            using var response = await http.SendAsync(request);

            Assert.Equal(190, (await ErrorAsync(response, HttpStatusCode.Unauthorized)).GetProperty("code").GetInt32());
        }
    }

    [Fact]
    public async Task SubmitTemplate_Valid_PendingThenApprovedWithSignedWebhook()
    {
        using var created = await SubmitAsync(ValidTemplate("izin_terbit"));
        await Http.AssertStatusAsync(created, HttpStatusCode.OK);
        var answer = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = answer.GetProperty("id").GetString();
        Assert.Matches("^[0-9]+$", id);
        Assert.Equal("PENDING", answer.GetProperty("status").GetString());
        Assert.Equal("UTILITY", answer.GetProperty("category").GetString());

        var pending = Assert.Single(await ListTemplatesAsync());
        Assert.Equal("PENDING", pending.GetProperty("status").GetString());
        Assert.Equal("UNKNOWN", pending.GetProperty("quality_score").GetProperty("score").GetString());
        Assert.Equal("NONE", pending.GetProperty("rejected_reason").GetString());
        var components = pending.GetProperty("components").EnumerateArray().ToList();
        Assert.Equal("BODY", components[0].GetProperty("type").GetString());
        Assert.Equal(ValidBody, components[0].GetProperty("text").GetString());
        Assert.Equal("FOOTER", components[1].GetProperty("type").GetString());
        Assert.Equal("DPMPTSP Kota Contoh", components[1].GetProperty("text").GetString());

        await Receiver.WaitForAsync(r => TemplateEvents(r).Any());
        var update = Assert.Single(TemplateEvents(Receiver));
        Assert.Equal("APPROVED", update.GetProperty("event").GetString());
        Assert.Equal(long.Parse(id!, System.Globalization.CultureInfo.InvariantCulture), update.GetProperty("message_template_id").GetInt64());
        Assert.Equal("izin_terbit", update.GetProperty("message_template_name").GetString());
        Assert.Equal("id", update.GetProperty("message_template_language").GetString());
        Assert.All(Receiver.Received, w => Assert.True(w.SignatureValid));

        var approved = Assert.Single(await ListTemplatesAsync());
        Assert.Equal("APPROVED", approved.GetProperty("status").GetString());
        Assert.Equal("GREEN", approved.GetProperty("quality_score").GetProperty("score").GetString());
    }

    [Fact]
    public async Task SendTemplate_StillPending_Refused132001ThenAcceptedOnceApproved()
    {
        using var created = await SubmitAsync(ValidTemplate("izin_terbit"));
        await Http.AssertStatusAsync(created, HttpStatusCode.OK);

        var refused = await SendTemplateAsync("+6281277770501", "attempt-pending", "izin_terbit", parameters: 3);
        Assert.Equal(SendOutcome.Failed, refused.Outcome);
        Assert.Equal(132001, refused.ErrorCode);

        await Receiver.WaitForAsync(r => TemplateEvents(r).Any());
        var accepted = await SendTemplateAsync("+6281277770501", "attempt-approved", "izin_terbit", parameters: 3);
        Assert.Equal(SendOutcome.Accepted, accepted.Outcome);
    }

    [Fact]
    public async Task SubmitTemplate_NamedParameters_AcceptedWithTheirNames()
    {
        using var created = await SubmitAsync(new
        {
            name = "izin_terbit_named",
            language = "en",
            category = "UTILITY",
            parameter_format = "NAMED",
            components = new object[]
            {
                new
                {
                    type = "BODY",
                    text = "Dear {{applicant_name}}, your permit number {{permit_number}} has been issued today by our office.",
                    example = new
                    {
                        body_text_named_params = new[]
                        {
                            new { param_name = "applicant_name", example = "Rina" },
                            new { param_name = "permit_number", example = "503/123/2026" },
                        },
                    },
                },
            },
        });

        await Http.AssertStatusAsync(created, HttpStatusCode.OK);
        var listed = Assert.Single(await ListTemplatesAsync());
        Assert.Equal("NAMED", listed.GetProperty("parameter_format").GetString());
    }

    [Fact]
    public async Task SubmitTemplate_SameNameAndLanguage_RefusedContentAlreadyExists2388024()
    {
        using var first = await SubmitAsync(ValidTemplate("izin_terbit"));
        await Http.AssertStatusAsync(first, HttpStatusCode.OK);

        using var second = await SubmitAsync(ValidTemplate("izin_terbit"));

        var error = await ErrorAsync(second, HttpStatusCode.BadRequest);
        Assert.Equal(100, error.GetProperty("code").GetInt32());
        Assert.Equal(2388024, error.GetProperty("error_subcode").GetInt32());
        Assert.Equal("Content in This Language Already Exists", error.GetProperty("error_user_title").GetString());
        Assert.Contains("Indonesian", error.GetProperty("error_user_msg").GetString());

        using var otherLanguage = await SubmitAsync(ValidTemplate("izin_terbit", language: "en"));
        await Http.AssertStatusAsync(otherLanguage, HttpStatusCode.OK);
    }

    public static TheoryData<string, string, int?> InvalidTemplates => new()
    {
        { "name has capitals", """{"name":"Izin_Terbit","language":"id","category":"UTILITY","components":[{"type":"BODY","text":"Halo semua warga."}]}""", null },
        { "unknown category", """{"name":"izin_terbit","language":"id","category":"TRANSACTIONAL","components":[{"type":"BODY","text":"Halo semua warga."}]}""", null },
        { "unknown language", """{"name":"izin_terbit","language":"xx_YY","category":"UTILITY","components":[{"type":"BODY","text":"Halo semua warga."}]}""", null },
        { "no body", """{"name":"izin_terbit","language":"id","category":"UTILITY","components":[{"type":"FOOTER","text":"DPMPTSP"}]}""", 2388072 },
        { "body too long", $$"""{"name":"izin_terbit","language":"id","category":"UTILITY","components":[{"type":"BODY","text":"{{new string('a', 1025)}}"}]}""", 2388040 },
        { "variable at the start", Body("{{1}} izin Anda dengan nomor {{2}} telah terbit hari ini di kantor kami.", "Rina", "503"), 2388299 },
        { "variable at the end", Body("Yth. Bapak atau Ibu, izin Anda telah terbit dengan nomor {{1}}", "503"), 2388299 },
        { "variable at the end before a full stop", Body("Yth. Bapak atau Ibu, izin Anda telah terbit dengan nomor {{1}}.", "503"), 2388299 },
        { "adjacent variables", Body("Yth. Bapak atau Ibu, izin {{1}} {{2}} Anda telah terbit hari ini di kantor kami.", "IMB", "503"), 2388072 },
        { "variables not sequential", Body("Yth. {{1}}, izin Anda dengan nomor {{3}} telah terbit hari ini di kantor kami.", "Rina", "x", "503"), 2388072 },
        { "missing example", Body("Yth. {{1}}, izin Anda dengan nomor {{2}} telah terbit hari ini di kantor kami.", "Rina"), 2388043 },
        { "too many variables for the text", Body("Yth. {{1}}, izin {{2}} nomor {{3}} terbit {{4}} ok.", "Rina", "IMB", "503", "hari ini"), 2388293 },
        { "variable in the footer", """{"name":"izin_terbit","language":"id","category":"UTILITY","components":[{"type":"BODY","text":"Halo semua warga."},{"type":"FOOTER","text":"Nomor {{1}} ya"}]}""", 2388073 },
        { "footer too long", $$"""{"name":"izin_terbit","language":"id","category":"UTILITY","components":[{"type":"BODY","text":"Halo semua warga."},{"type":"FOOTER","text":"{{new string('f', 61)}}"}]}""", 2388040 },
        { "named without example", """{"name":"izin_terbit","language":"id","category":"UTILITY","parameter_format":"NAMED","components":[{"type":"BODY","text":"Yth. {{nama}}, izin Anda telah terbit hari ini di kantor kami."}]}""", 2388043 },
    };

    [Theory]
    [MemberData(nameof(InvalidTemplates))]
    public async Task SubmitTemplate_Invalid_RefusedWithMetasCode(string because, string json, int? subcode)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await SendAsync(HttpMethod.Post, $"v23.0/{WabaId}/message_templates", content);

        var error = await ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.True(error.GetProperty("code").GetInt32() == 100, because);
        Assert.Equal(subcode, error.TryGetProperty("error_subcode", out var s) ? s.GetInt32() : null);
        if (subcode is not null)
        {
            Assert.False(string.IsNullOrEmpty(error.GetProperty("error_user_title").GetString()), because);
            Assert.False(string.IsNullOrEmpty(error.GetProperty("error_user_msg").GetString()), because);
        }

        Assert.Equal(0, (await GetJsonAsync($"v23.0/{WabaId}/message_templates")).GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task ManagementCalls_EachAnswer_CarriesUsageOfTheHourlyBudget()
    {
        using var first = await SendAsync(HttpMethod.Get, $"v23.0/{PhoneNumberId}");
        using var second = await SendAsync(HttpMethod.Get, $"v23.0/{WabaId}/subscribed_apps");

        var usage = Usage(second);
        Assert.Equal(5, Usage(first).GetProperty("call_count").GetInt32()); // 1 of 20
        Assert.Equal(10, usage.GetProperty("call_count").GetInt32());
        Assert.Equal("whatsapp_business_management", usage.GetProperty("type").GetString());
        Assert.Equal(0, usage.GetProperty("estimated_time_to_regain_access").GetInt32());
        Assert.True(usage.TryGetProperty("total_cputime", out _));
        Assert.True(usage.TryGetProperty("total_time", out _));
    }

    [Fact]
    public async Task ManagementCalls_OverBudget_Throttled80008WithTimeToRegainAccess()
    {
        for (var i = 0; i < 20; i++)
        {
            using var ok = await SendAsync(HttpMethod.Get, $"v23.0/{PhoneNumberId}?fields=status");
            await Http.AssertStatusAsync(ok, HttpStatusCode.OK);
        }

        using var refused = await SendAsync(HttpMethod.Get, $"v23.0/{PhoneNumberId}?fields=status");

        var error = await ErrorAsync(refused, HttpStatusCode.BadRequest);
        Assert.Equal(80008, error.GetProperty("code").GetInt32());
        Assert.Equal("OAuthException", error.GetProperty("type").GetString());
        Assert.StartsWith("(#80008) There have been too many calls to this WhatsApp Business account. Wait a bit and try again.",
            error.GetProperty("message").GetString());
        var usage = Usage(refused);
        Assert.Equal(100, usage.GetProperty("call_count").GetInt32());
        Assert.InRange(usage.GetProperty("estimated_time_to_regain_access").GetInt32(), 59, 60);
    }

    [Fact]
    public async Task ManagementCalls_UsageSetByControl_ReportedThenThrottledAtFull()
    {
        using (var set = await Control.PutAsJsonAsync("usage", new { percent = 80 }))
        {
            await Http.AssertStatusAsync(set, HttpStatusCode.OK);
        }

        using (var response = await SendAsync(HttpMethod.Get, $"v23.0/{WabaId}/message_templates"))
        {
            await Http.AssertStatusAsync(response, HttpStatusCode.OK);
            Assert.Equal(85, Usage(response).GetProperty("call_count").GetInt32());
        }

        using (var set = await Control.PutAsJsonAsync("usage", new { percent = 100 }))
        {
            await Http.AssertStatusAsync(set, HttpStatusCode.OK);
        }

        using var refused = await SubmitAsync(ValidTemplate("izin_terbit"));
        Assert.Equal(80008, (await ErrorAsync(refused, HttpStatusCode.BadRequest)).GetProperty("code").GetInt32());
        Assert.True(Usage(refused).GetProperty("estimated_time_to_regain_access").GetInt32() > 0);
    }

    [Fact]
    public async Task Reset_AfterSubscribingAndSubmitting_BackToNewAccount()
    {
        using (var subscribe = await SendAsync(HttpMethod.Post, $"v23.0/{WabaId}/subscribed_apps"))
        using (var created = await SubmitAsync(ValidTemplate("izin_terbit")))
        {
            await Http.AssertStatusAsync(created, HttpStatusCode.OK);
        }

        using (var reset = await Control.PostAsync("reset", null))
        {
            await Http.AssertStatusAsync(reset, HttpStatusCode.OK);
        }

        Assert.Equal(0, (await GetJsonAsync($"v23.0/{WabaId}/message_templates")).GetProperty("data").GetArrayLength());
        Assert.Equal(0, (await GetJsonAsync($"v23.0/{WabaId}/subscribed_apps")).GetProperty("data").GetArrayLength());
    }

    private const string ValidBody = "Yth. {{1}}, izin Anda dengan nomor {{2}} telah terbit pada tanggal {{3}}. Silakan unduh dokumen izin melalui portal kami.";

    private static object ValidTemplate(string name, string language = "id") => new
    {
        name,
        language,
        category = "UTILITY",
        components = new object[]
        {
            new { type = "BODY", text = ValidBody, example = new { body_text = new[] { new[] { "Rina", "503/123/2026", "5 Desember 2026" } } } },
            new { type = "FOOTER", text = "DPMPTSP Kota Contoh" },
        },
    };

    private static string Body(string text, params string[] examples) => JsonSerializer.Serialize(new
    {
        name = "izin_terbit",
        language = "id",
        category = "UTILITY",
        components = new object[] { new { type = "BODY", text, example = new { body_text = new[] { examples } } } },
    });

    private static IEnumerable<JsonElement> TemplateEvents(WebhookReceiver receiver) => receiver.Received
        .SelectMany(w => w.Body.GetProperty("entry").EnumerateArray())
        .SelectMany(e => e.GetProperty("changes").EnumerateArray())
        .Where(c => c.GetProperty("field").GetString() == "message_template_status_update")
        .Select(c => c.GetProperty("value"));

    private static JsonElement Usage(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("X-Business-Use-Case-Usage", out var values), "no X-Business-Use-Case-Usage header");
        using var header = JsonDocument.Parse(Assert.Single(values));
        return Assert.Single(header.RootElement.GetProperty(WabaId).EnumerateArray()).Clone();
    }

    private async Task<List<JsonElement>> ListTemplatesAsync() =>
        (await GetJsonAsync($"v23.0/{WabaId}/message_templates?fields=name,status,parameter_format,components,quality_score,rejected_reason"))
        .GetProperty("data").EnumerateArray().ToList();

    private async Task<HttpResponseMessage> SubmitAsync(object template)
    {
        using var content = JsonContent.Create(template);
        return await SendAsync(HttpMethod.Post, $"v23.0/{WabaId}/message_templates", content);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, SimulatorUrl + "/" + path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "token");
        return await Graph.SendAsync(request);
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await SendAsync(HttpMethod.Get, path);
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<JsonElement> ErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        await Http.AssertStatusAsync(response, status);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
    }

    private static readonly HttpClient Graph = new();
}
