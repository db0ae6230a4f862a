import TeamChatRedis
import Testing

@Suite("Bus URLs", .timeLimit(.minutes(1)))
struct RedisURLTests {
    @Test("the forms a bus is written in")
    func forms() throws {
        let plain = try RedisURL.parse("redis://10.0.0.5:6380/blue").get()
        #expect(plain.endpoint == .tcp(host: "10.0.0.5", port: 6380))
        #expect(plain.team == "blue")
        #expect(!plain.tls)
        let defaults = try RedisURL.parse("redis://bus.local/red").get()
        #expect(defaults.endpoint == .tcp(host: "bus.local", port: 6379))
        let secure = try RedisURL.parse("rediss://team:s3cret@bus.example:6390/green?db=2").get()
        #expect(secure.tls && secure.username == "team" && secure.password == "s3cret" && secure.database == 2)
        let passwordOnly = try RedisURL.parse("redis://:pw@127.0.0.1:6379/t").get()
        #expect(passwordOnly.username == nil && passwordOnly.password == "pw")
        let v6 = try RedisURL.parse("redis://[::1]:7000/t").get()
        #expect(v6.endpoint == .tcp(host: "::1", port: 7000))
        let unix = try RedisURL.parse("redis+unix:///run/redis/redis.sock?team=ops&db=1").get()
        #expect(unix.endpoint == .unix(path: "/run/redis/redis.sock") && unix.team == "ops" && unix.database == 1)
    }

    @Test("what is wrong, in words; the password never in the description")
    func problems() {
        #expect("\(RedisURL.parse("localhost:6379/t"))".contains("is not a bus URL"))
        #expect("\(RedisURL.parse("redis://localhost:6379"))".contains("the team is missing"))
        #expect("\(RedisURL.parse("redis://localhost:99999/t"))".contains("is not a port"))
        #expect("\(RedisURL.parse("redis://localhost/bad team"))".contains("is not a team name"))
        #expect("\(RedisURL.parse("http://localhost/t"))".contains("is not a bus"))
        #expect("\(RedisURL.parse("redis://h/t?db=x"))".contains("is not a database number"))
        let url = try? RedisURL.parse("redis://u:hunter2@h:1/t").get()
        #expect(url?.description == "redis://u@h:1/t")
        #expect(url?.description.contains("hunter2") == false)
    }
}
