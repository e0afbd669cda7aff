using MySchool.Integration.Core.Monitoring;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>The schools of a region's municipality or of a municipality page, with how far behind each is.</summary>
public sealed record SchoolsTable(string Region, IReadOnlyList<SchoolStatus> Schools, DateTimeOffset Now);
