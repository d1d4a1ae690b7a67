.class public interface abstract Lcom/appsflyer/AppsFlyerConversionListener;
.super Ljava/lang/Object;
.source "AppsFlyerConversionListener.java"


# virtual methods
.method public abstract onConversionDataSuccess(Ljava/util/Map;)V
.end method

.method public abstract onConversionDataFail(Ljava/lang/String;)V
.end method
