using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MySchool.Integration.Core.Rules;
using MySchool.Integration.Mocks.Esia;
using MySchool.Integration.Mocks.Hosting;

namespace MySchool.Integration.Tests.Mocks;

/// <summary>esia.md over HTTP: the code flow, tokens and their claims, /rs/prns, and every fault.</summary>
public sealed class EsiaMockTests : IClassFixture<MockWorldFixture>, IDisposable
{
    private const long Operator54 = 1_000_000_154;

    private readonly MockWorldFixture _mocks;
    private readonly EsiaClient _esia;

    public EsiaMockTests(MockWorldFixture mocks)
    {
        _mocks = mocks;
        _esia = new EsiaClient(mocks.World.Esia);
        mocks.World.Esia.Faults.Reset();
    }

    private MockSystem Esia => _mocks.World.Esia;

    public void Dispose() => _esia.Dispose();

    [Fact]
    public async Task Authorize_ShowsTheConsentPageWithTestPeopleAndTheGrantButton()
    {
        using var response = await _esia.AuthorizeAsync(Guid.NewGuid().ToString());

        var page = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Предоставление прав доступа", page, StringComparison.Ordinal);
        Assert.Contains("Предоставить", page, StringComparison.Ordinal);
        Assert.Contains($"data-oid=\"{Operator54}\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_MissingParameter_IsEsia007014()
    {
        using var response = await _esia.GetRawAsync("aas/oauth2/v2/ac?client_id=MYSCHOOL-GW");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("ESIA-007014", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_RedirectNotAllowed_IsEsia007023()
    {
        using var response = await _esia.AuthorizeAsync("s", redirectUri: "https://evil.example/cb");

        Assert.Contains("ESIA-007023", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CodeFlow_TokensCarryTheContractsClaims_SignedRs256()
    {
        var tokens = await _esia.LoginAsync(Operator54);

        Assert.Equal("Bearer", tokens["token_type"]!.GetValue<string>());
        Assert.Equal(3600, tokens["expires_in"]!.GetValue<int>());
        var idToken = tokens["id_token"]!.GetValue<string>();
        Assert.Equal("RS256", Part(idToken, 0)["alg"]!.GetValue<string>());
        var claims = Part(idToken, 1);
        Assert.Equal(Operator54, claims["sub"]!.GetValue<long>());
        Assert.Equal("MYSCHOOL-GW", claims["aud"]!.GetValue<string>());
        Assert.Equal("http://esia.gosuslugi.ru/", claims["iss"]!.GetValue<string>());
        Assert.True(claims["urn:esia:sbj"]!["urn:esia:sbj:is_tru"]!.GetValue<bool>());
        Assert.Equal(Operator54, Part(tokens["access_token"]!.GetValue<string>(), 1)["urn:esia:sbj_id"]!.GetValue<long>());
        Assert.NotNull(_mocks.World.EsiaTokens.Read(idToken));
    }

    [Fact]
    public async Task Jwks_PublishesTheKeyTheTokensAreSignedWith()
    {
        var tokens = await _esia.LoginAsync(Operator54);
        using var response = await _esia.GetRawAsync("aas/oauth2/jwks");

        var key = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["keys"]![0]!;

        Assert.Equal(Part(tokens["id_token"]!.GetValue<string>(), 0)["kid"]!.GetValue<string>(), key["kid"]!.GetValue<string>());
        Assert.Equal("RSA", key["kty"]!.GetValue<string>());
    }

    [Fact]
    public async Task RefreshToken_GivesNewTokens_Once()
    {
        var tokens = await _esia.LoginAsync(Operator54);
        var refresh = tokens["refresh_token"]!.GetValue<string>();

        var (first, _) = await _esia.TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh });
        var (second, body) = await _esia.TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh });

        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal(HttpStatusCode.BadRequest, second);
        Assert.StartsWith("ESIA-007011", body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_MissingClientSecret_IsEsia007053()
    {
        var (status, body) = await _esia.TokenAsync(new() { ["code"] = "x", ["grant_type"] = "authorization_code", ["client_secret"] = string.Empty });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("ESIA-007053", body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Person_ReadsNameBirthDateDdMmYyyyAndDashedSnils()
    {
        var parent = _mocks.World.EsiaPeople.People.First(p => p.Kids.Count > 0 && p.Snils is not null);
        var token = (await _esia.LoginAsync(Operator54))["access_token"]!.GetValue<string>();

        var (status, person) = await _esia.GetAsync($"rs/prns/{parent.Oid}?embed=(contacts.elements-1,documents.elements-1)", token);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(parent.Name.LastName, person!["lastName"]!.GetValue<string>());
        Assert.Equal(parent.Snils, Snils.Parse(person["snils"]!.GetValue<string>()).Require().Canonical);
        Assert.Equal("EML", person["contacts"]!["elements"]![0]!["type"]!.GetValue<string>());
        Assert.Equal(1, person["documents"]!["size"]!.GetValue<int>());
    }

    [Fact]
    public async Task Contacts_WithoutEmbed_AreUrlsEachNeedingItsOwnGet()
    {
        var token = (await _esia.LoginAsync(Operator54))["access_token"]!.GetValue<string>();

        var (_, contacts) = await _esia.GetAsync($"rs/prns/{Operator54}/ctts", token);
        var url = contacts!["elements"]![0]!.GetValue<string>();
        var (status, contact) = await _esia.GetAsync(url.TrimStart('/'), token);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("operator54@myschool.test", contact!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Kids_ListTheParentsChildrenWithHasAccount()
    {
        var parent = _mocks.World.EsiaPeople.People.First(p => p.Kids.Count > 0);
        var token = (await _esia.LoginAsync(parent.Oid))["access_token"]!.GetValue<string>();

        var (_, kids) = await _esia.GetAsync($"rs/prns/{parent.Oid}/kids?embed=(elements)", token);

        Assert.Equal(parent.Kids.Count, kids!["size"]!.GetValue<int>());
        Assert.Equal(parent.Kids[0].Oid is not null, kids["elements"]![0]!["hasAccount"]!.GetValue<bool>());
        Assert.Matches(@"^\d{2}\.\d{2}\.\d{4}$", kids["elements"]![0]!["birthDate"]!.GetValue<string>());
    }

    [Fact]
    public async Task FindBySnils_Ours_AnswersThePersonsUrl()
    {
        var teacher = _mocks.World.EsiaPeople.People.First(p => p.Role.StartsWith("учитель", StringComparison.Ordinal));
        var token = (await _esia.LoginAsync(Operator54))["access_token"]!.GetValue<string>();

        var (_, found) = await _esia.GetAsync($"rs/prns?snils={Uri.EscapeDataString(MySchool.Integration.Mocks.Synthetic.Identifiers.DashedSnils(teacher.Snils!))}", token);

        Assert.Equal($"/rs/prns/{teacher.Oid}", found!["elements"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task ClientCredentials_Ours_GiveTheGatewayItsOwnToken_WithoutAPersonOrRefresh_ThatFindsBySnils()
    {
        var (status, tokens) = await _esia.TokenAsync(new() { ["grant_type"] = "client_credentials", ["redirect_uri"] = "", ["scope"] = "fullname snils" });
        var token = tokens["access_token"]!.GetValue<string>();

        var (_, found) = await _esia.GetAsync("rs/prns?snils=112-233-445%2095", token);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(tokens["id_token"]);
        Assert.Null(tokens["refresh_token"]);
        Assert.Equal($"/rs/prns/{Operator54}", found!["elements"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Rs_WithoutAValidToken_IsEsia005011()
    {
        var (status, body) = await _esia.GetAsync($"rs/prns/{Operator54}", "not-a-token");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("ESIA-005011", body!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Logout_RedirectsBack()
    {
        using var response = await _esia.GetRawAsync("idp/ext/Logout?client_id=MYSCHOOL-GW&redirect_url=http%3A%2F%2Flocalhost%3A5080%2F");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("http://localhost:5080/", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Fault_RefusedConsent_RedirectsWithAccessDenied007004AndState()
    {
        await _mocks.ArmAsync(Esia, EsiaFaults.RefusedConsent);

        var answer = await _esia.ConsentAsync(Operator54, "state-1");

        Assert.Equal("access_denied", answer["error"]);
        Assert.StartsWith("ESIA-007004", answer["error_description"], StringComparison.Ordinal);
        Assert.Equal("state-1", answer["state"]);
    }

    [Fact]
    public async Task Fault_UnconfirmedAccount_IdTokenHasNoIsTruClaim()
    {
        await _mocks.ArmAsync(Esia, EsiaFaults.UnconfirmedAccount);

        var tokens = await _esia.LoginAsync(Operator54);

        Assert.False(Part(tokens["id_token"]!.GetValue<string>(), 1)["urn:esia:sbj"]!.AsObject().ContainsKey("urn:esia:sbj:is_tru"));
    }

    [Fact]
    public async Task Fault_StaleTimestamp_IsEsia007015_AndARealStaleOneToo()
    {
        await _mocks.ArmAsync(Esia, EsiaFaults.StaleTimestamp);
        var code = (await _esia.ConsentAsync(Operator54, "s"))["code"];

        var (status, body) = await _esia.TokenAsync(new() { ["code"] = code, ["grant_type"] = "authorization_code" });
        var (staleStatus, stale) = await _esia.TokenAsync(new() { ["code"] = code, ["grant_type"] = "authorization_code", ["timestamp"] = EsiaClient.Timestamp(DateTimeOffset.UtcNow.AddMinutes(-10)) });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("ESIA-007015", body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, staleStatus);
        Assert.StartsWith("ESIA-007015", stale["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fault_ReusedCode_IsEsia007011_AndARealReuseToo()
    {
        var code = (await _esia.ConsentAsync(Operator54, "s"))["code"];
        Assert.Equal(HttpStatusCode.OK, (await _esia.TokenAsync(new() { ["code"] = code, ["grant_type"] = "authorization_code" })).Status);

        var (status, body) = await _esia.TokenAsync(new() { ["code"] = code, ["grant_type"] = "authorization_code" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("ESIA-007011", body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        await _mocks.ArmAsync(Esia, EsiaFaults.ReusedCode);
        var fresh = (await _esia.ConsentAsync(Operator54, "s"))["code"];
        Assert.Equal(HttpStatusCode.BadRequest, (await _esia.TokenAsync(new() { ["code"] = fresh, ["grant_type"] = "authorization_code" })).Status);
    }

    [Fact]
    public async Task Fault_ExpiredAccessToken_OnRsPrns_IsEsia005011()
    {
        var token = (await _esia.LoginAsync(Operator54))["access_token"]!.GetValue<string>();
        await _mocks.ArmAsync(Esia, EsiaFaults.ExpiredAccessToken);

        var (status, body) = await _esia.GetAsync($"rs/prns/{Operator54}", token);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("ESIA-005011", body!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await _esia.GetAsync($"rs/prns/{Operator54}", token)).Status);
    }

    [Fact]
    public async Task Fault_Slow_OutlastsAShortTimeout()
    {
        var token = (await _esia.LoginAsync(Operator54))["access_token"]!.GetValue<string>();
        await _mocks.ArmAsync(Esia, EsiaFaults.Slow);
        using var impatient = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _esia.GetAsync($"rs/prns/{Operator54}", token).WaitAsync(impatient.Token));
    }

    [Fact]
    public async Task Fault_KidWithoutAccount_HasAccountFalse()
    {
        var parent = _mocks.World.EsiaPeople.People.First(p => p.Kids.Count > 0 && p.Kids[0].Oid is not null);
        var token = (await _esia.LoginAsync(parent.Oid))["access_token"]!.GetValue<string>();
        await _mocks.ArmAsync(Esia, EsiaFaults.KidWithoutAccount);

        var (_, kids) = await _esia.GetAsync($"rs/prns/{parent.Oid}/kids?embed=(elements)", token);

        Assert.False(kids!["elements"]![0]!["hasAccount"]!.GetValue<bool>());
    }

    private static JsonNode Part(string jwt, int index)
    {
        var part = jwt.Split('.')[index].Replace('-', '+').Replace('_', '/');
        return JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(part + new string('=', (4 - (part.Length % 4)) % 4))))!;
    }
}
