.class public Lcom/alipay/sdk/app/AuthTask;
.super Ljava/lang/Object;
.source "AuthTask.java"


# instance fields
.field private final activity:Landroid/app/Activity;


# direct methods
.method public constructor <init>(Landroid/app/Activity;)V
    .locals 0

    invoke-direct {p0}, Ljava/lang/Object;-><init>()V

    iput-object p1, p0, Lcom/alipay/sdk/app/AuthTask;->activity:Landroid/app/Activity;

    return-void
.end method


# virtual methods
.method public authV2(Ljava/lang/String;Z)Ljava/util/Map;
    .locals 1

    new-instance v0, Ljava/util/HashMap;

    invoke-direct {v0}, Ljava/util/HashMap;-><init>()V

    return-object v0
.end method
