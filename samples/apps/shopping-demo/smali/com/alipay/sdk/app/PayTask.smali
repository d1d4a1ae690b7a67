.class public Lcom/alipay/sdk/app/PayTask;
.super Ljava/lang/Object;
.source "PayTask.java"


# instance fields
.field private final activity:Landroid/app/Activity;


# direct methods
.method public constructor <init>(Landroid/app/Activity;)V
    .locals 0

    invoke-direct {p0}, Ljava/lang/Object;-><init>()V

    iput-object p1, p0, Lcom/alipay/sdk/app/PayTask;->activity:Landroid/app/Activity;

    return-void
.end method


# virtual methods
.method public payV2(Ljava/lang/String;Z)Ljava/util/Map;
    .locals 3

    invoke-static {p1}, Lcom/alipay/sdk/util/SignUtils;->digest(Ljava/lang/String;)Ljava/lang/String;

    new-instance v0, Ljava/util/HashMap;

    invoke-direct {v0}, Ljava/util/HashMap;-><init>()V

    const-string v1, "resultStatus"

    const-string v2, "6001"

    invoke-interface {v0, v1, v2}, Ljava/util/Map;->put(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;

    return-object v0
.end method

.method public getVersion()Ljava/lang/String;
    .locals 1

    invoke-static {}, Lcom/alipay/sdk/util/SdkInfo;->version()Ljava/lang/String;

    move-result-object v0

    return-object v0
.end method
