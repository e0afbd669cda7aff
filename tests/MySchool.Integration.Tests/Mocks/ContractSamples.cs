using System.Text.Json.Nodes;

namespace MySchool.Integration.Tests.Mocks;

/// <summary>One method of one mock, called as an adapter would; its answer is the fixture.</summary>
public sealed record ContractSample(string File, Func<ContractSession, Task<JsonNode>> Fetch);

/// <summary>Every method of every contract page (and the errors adapters must read), in one list.</summary>
public static class ContractSamples
{
    private const string Week = "weekStart=2023-11-06&weekEnd=2023-11-12";

    public static readonly IReadOnlyList<ContractSample> All =
    [
        Nso("auth", s => s.Nso.CallAsync("auth", ("login", "integration54"), ("password", "eljur-secret"))),
        Nso("getrules", s => s.Nso.CallAsync("getrules")),
        Nso("getperiods", s => s.Nso.CallAsync("getperiods", ("student", s.NsoStudent), ("weeks", "true"))),
        Nso("getdiary", s => s.Nso.CallAsync("getdiary", ("student", s.NsoStudent), ("days", "20231106-20231111"), ("rings", "true"))),
        Nso("getmarks", s => s.Nso.CallAsync("getmarks", ("student", s.NsoStudent), ("days", "20231106-20231111"))),
        Nso("getschools", s => s.Nso.CallAsync("getschools")),
        Nso("getclasses", s => s.Nso.CallAsync("getclasses", ("school", s.NsoSchool))),
        Nso("getstudents", s => s.Nso.CallAsync("getstudents", ("class", s.NsoClass), ("limit", "3"), ("page", "1"))),
        Nso("getteachers", s => s.Nso.CallAsync("getteachers", ("school", s.NsoSchool), ("limit", "3"))),
        Nso("getgroups", s => s.Nso.CallAsync("getgroups", ("class", s.NsoClass))),
        Nso("getchanges", s => s.Nso.CallAsync("getchanges", ("since", "20231101T000000"))),
        Nso("error-token-invalid", s => new EljurClient(s.Http, s.World.Nso).CallAsync("getschools")),
        Rk("logindata", s => s.RkRaw("webapi/logindata")),
        Rk("prepareloginform", s => s.RkRaw("webapi/prepareloginform")),
        Rk("login", s => Task.FromResult(s.RkLoginAnswer)),
        Rk("years-current", s => s.Rk.GetAsync("years/current")),
        Rk("assignment-types", s => s.Rk.GetAsync("grade/assignment/types?all=false")),
        Rk("diary", s => s.Rk.GetAsync($"student/diary?studentId={s.RkStudent}&yearId=24&{Week}")),
        Rk("diary-assigns", s => s.Rk.GetAsync($"student/diary/assigns/{s.RkAssignment}?studentId={s.RkStudent}")),
        Rk("diary-past-mandatory", s => s.Rk.GetAsync($"student/diary/pastMandatory?studentId={s.RkDebtor}&yearId=24&{Week}")),
        Rk("years-current-terms", s => s.Rk.GetAsync("years/current/terms")),
        Rk("years-current-holidays", s => s.Rk.GetAsync("years/current/holidays")),
        Rk("school-staff", s => s.Rk.GetAsync($"schools/{s.RkSchool}/staff")),
        Rk("class-subgroups", s => s.Rk.GetAsync($"classes/{s.RkClass}/subgroups")),
        Rk("school-card", s => s.Rk.GetAsync($"schools/{s.RkSchool}/card")),
        Rk("announcements", s => s.Rk.GetAsync("announcements?take=-1")),
        Rk("schools", s => s.Rk.GetAsync("schools")),
        Rk("school-classes", s => s.Rk.GetAsync($"schools/{s.RkSchool}/classes")),
        Rk("class-students", s => s.Rk.GetAsync($"classes/{s.RkClass}/students")),
        Rk("school-teachers", s => s.Rk.GetAsync($"schools/{s.RkSchool}/teachers")),
        Rk("changes", s => s.Rk.GetAsync("changes?since=2023-11-01T00:00:00")),
        Esia("token", s => Task.FromResult(s.EsiaTokens)),
        Esia("token-error", async s => (await s.Esia.TokenAsync(new() { ["code"] = "used", ["grant_type"] = "authorization_code" })).Body),
        Esia("prns", async s => (await s.Esia.GetAsync($"rs/prns/{s.EsiaParent}", s.EsiaAccessToken)).Body!),
        Esia("prns-embedded", async s => (await s.Esia.GetAsync($"rs/prns/{s.EsiaParent}?embed=(contacts.elements-1,documents.elements-1)", s.EsiaAccessToken)).Body!),
        Esia("ctts", async s => (await s.Esia.GetAsync($"rs/prns/{s.EsiaParent}/ctts?embed=(elements)", s.EsiaAccessToken)).Body!),
        Esia("kids", async s => (await s.Esia.GetAsync($"rs/prns/{s.EsiaParent}/kids?embed=(elements)", s.EsiaAccessToken)).Body!),
        Esia("token-system", async s => (await s.Esia.TokenAsync(new() { ["grant_type"] = "client_credentials", ["redirect_uri"] = "" })).Body),
        Esia("prns-search", async s => (await s.Esia.GetAsync("rs/prns?snils=112-233-445%2095", s.EsiaAccessToken)).Body!),
        Esia("error-invalid-token", async s => (await s.Esia.GetAsync($"rs/prns/{s.EsiaParent}", "expired")).Body!),
        Sferum("getOrganization", s => s.SferumAsync("education.getOrganization", ("inn", s.World.Nso.Region!.Schools[0].Inn))),
        Sferum("createClass", s => s.SferumAsync("education.createClass", ("organization_id", s.SferumOrganization), ("name", "9 «И»"), ("year", "2023/2024"), ("external_id", "fixture-class"))),
        Sferum("setClassMembers", async s => await s.SferumAsync("education.setClassMembers", ("class_id", await s.SferumClassAsync()), ("members", SferumClient.Members("a", "b")))),
        Sferum("getJoinRequests", s => s.SferumAsync("education.getJoinRequests", ("organization_id", s.SferumOrganization), ("offset", "0"), ("count", "200"))),
        Sferum("resolveJoinRequest", async s => await s.SferumAsync("education.resolveJoinRequest", ("request_id", await s.SferumPendingRequestAsync()), ("decision", "reject"), ("reason", "тест"))),
        Sferum("error", s => SferumClient.CallAsync(s.Http, s.World.Sferum, "invalid", "education.getOrganization", ("inn", "0"))),
    ];

    private static ContractSample Nso(string name, Func<ContractSession, Task<(System.Net.HttpStatusCode, JsonNode?)>> call) =>
        new($"nso/{name}.json", async session => (await call(session)).Item2!);

    private static ContractSample Rk(string name, Func<ContractSession, Task<JsonNode>> call) => new($"rk/{name}.json", call);

    private static ContractSample Esia(string name, Func<ContractSession, Task<JsonNode>> call) => new($"esia/{name}.json", call);

    private static ContractSample Sferum(string name, Func<ContractSession, Task<JsonNode>> call) => new($"sferum/{name}.json", call);
}
