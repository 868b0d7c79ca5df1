import "./console-app";
