using MySchool.Integration.Core.Rules;

namespace MySchool.Integration.Tests.Rules;

public class StaffRolesTests
{
    [Theory]
    [InlineData(new string[0], "teacher")]
    [InlineData(new[] { "teacher" }, "teacher")]
    [InlineData(new[] { "Администратор", "Учитель" }, "admin,teacher")]
    [InlineData(new[] { "administrator" }, "admin")]
    [InlineData(new[] { " ADMIN ", "admin" }, "admin")]
    public void StaffRoles_AsEverySourceWritesThem_BecomeTheModelsRoles(string[] raw, string roles)
    {
        Assert.Equal(roles, string.Join(',', SourceValues.StaffRoles(raw).Require()));
    }

    [Theory]
    [InlineData("директор")]
    [InlineData("")]
    public void AnUnknownRole_IsRefused_NeverGuessed(string role)
    {
        Assert.Equal("staff.role", SourceValues.StaffRoles(["teacher", role]).Rejection!.Code);
    }
}
